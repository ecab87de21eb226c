package panel

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// The panel's languages. Japanese uses the seed's own words where it has
// them (二要素認証設定, 初期設定用認証キー, ワンタイムパスワード,
// 登録して有効化する, 二要素認証が有効になっています).
var catalog = map[string]map[string]string{
	"en": {
		"lang.name": "English", "lang.other": "日本語", "lang.otherCode": "ja",
		"signin.title": "Sign in", "id": "ID", "password": "Password",
		"code": "One-time password from your authenticator", "code.hint": "(if two-step verification is on; or a recovery code)",
		"signin.button": "Sign in",
		"signin.failed": "Sign-in failed: the ID, password or code is wrong. (A code works only once; wait for the next one.)",
		"signin.locked": "Too many failed sign-ins. Wait a few minutes, then try again.",
		"busy":          "The server is busy. Try again in a moment; this attempt did not count.",
		"signedin.pre":  "Signed in as ", "signedin.post": ".", "signedin.code": " with a code",
		"signout":        "Sign out",
		"settings.title": "Two-step verification settings",
		"status.on":      "Two-step verification is on: every sign-in asks for a one-time password from your authenticator.",
		"status.off":     "Off: your password alone signs you in.",
		"setup.scan":     "Scan this QR code with your authenticator app",
		"setup.qr":       "QR code for %s",
		"setup.manual":   "Can't scan it? Enter the setup key by hand (time-based, %d digits, every %d seconds):",
		"setup.key":      "Setup key:",
		"setup.code":     "Then type the one-time password it shows",
		"register":       "Register and enable",
		"newkey":         "Make a new key", "cancel": "Cancel",
		"setup.start":    "Set up two-step verification",
		"setup.move":     "Move to a new authenticator",
		"enable.ok":      "Two-step verification is on. From now on, sign in with your password and a code.",
		"enable.bad":     "That code is not right. Check the time on your device, wait for a fresh code and type it again.",
		"enable.gone":    "This setup was cancelled or replaced; start again.",
		"recovery.title": "Recovery codes",
		"recovery.shown": "Save these recovery codes now. Each one signs you in once in place of a one-time password if you lose your authenticator. They are not shown again.",
		"recovery.left":  "Unused recovery codes: %d.",
		"recovery.new":   "Make new recovery codes",
		"recovery.used":  "You signed in with a recovery code; %d left. Make new ones before you run out.",
		"disable.label":  "To turn two-step verification off, type a current one-time password",
		"disable.button": "Turn off",
		"disable.ok":     "Two-step verification is off.",
		"disable.bad":    "That code is not right (or it was already used); two-step verification stays on.",
		"lost":           "Lost your authenticator? Sign in with a recovery code, or ask an administrator to reset your second factor.",
		"err.title":      "Error",
		"err.foreign":    "This request came from another site and was refused.",
		"err.expired":    "Your session has expired. Go back to the start and try again.",
		"err.stale":      "The form is out of date. Go back, reload the page and try again.",
		"err.form":       "The form could not be read.",
		"err.internal":   "Something went wrong on the server; nothing was changed.",
		"back":           "Back to the start",
	},
	"ja": {
		"lang.name": "日本語", "lang.other": "English", "lang.otherCode": "en",
		"signin.title": "ログイン", "id": "ID", "password": "パスワード",
		"code": "ワンタイムパスワード", "code.hint": "（二要素認証が有効な場合。回復用コードも使えます）",
		"signin.button": "ログイン",
		"signin.failed": "ログインできませんでした。ID、パスワード、またはワンタイムパスワードが正しくありません。（ワンタイムパスワードは一度しか使えません。次の表示をお待ちください。）",
		"signin.locked": "ログインの失敗が続いたため、しばらくログインできません。数分待ってからもう一度お試しください。",
		"busy":          "サーバーが混み合っています。少し待ってからもう一度お試しください（今回の試行は数えられていません）。",
		"signedin.pre":  "", "signedin.post": " としてログインしています。", "signedin.code": "（ワンタイムパスワード使用）",
		"signout":        "ログアウト",
		"settings.title": "二要素認証設定",
		"status.on":      "二要素認証が有効になっています。ログインのたびに認証アプリのワンタイムパスワードが必要です。",
		"status.off":     "二要素認証は無効です。パスワードだけでログインできます。",
		"setup.scan":     "認証アプリでこのQRコードを読み取ってください",
		"setup.qr":       "%s のQRコード",
		"setup.manual":   "読み取れない場合は、初期設定用認証キーを手で入力してください（時間ベース、%d桁、%d秒ごと）：",
		"setup.key":      "初期設定用認証キー：",
		"setup.code":     "表示されたワンタイムパスワードを入力してください",
		"register":       "登録して有効化する",
		"newkey":         "新しいキーを作る", "cancel": "キャンセル",
		"setup.start":    "二要素認証を設定する",
		"setup.move":     "新しい認証アプリに移す",
		"enable.ok":      "二要素認証が有効になっています。これからはパスワードとワンタイムパスワードでログインします。",
		"enable.bad":     "ワンタイムパスワードが正しくありません。端末の時刻を確かめ、新しいワンタイムパスワードを入力してください。",
		"enable.gone":    "この設定は取り消されたか、新しいキーに置き換えられました。最初からやり直してください。",
		"recovery.title": "回復用コード",
		"recovery.shown": "この回復用コードを今すぐ保存してください。認証アプリをなくしたとき、ワンタイムパスワードの代わりにそれぞれ1回ずつログインに使えます。再表示はされません。",
		"recovery.left":  "未使用の回復用コード：%d個",
		"recovery.new":   "回復用コードを作り直す",
		"recovery.used":  "回復用コードでログインしました。残りは%d個です。なくなる前に作り直してください。",
		"disable.label":  "二要素認証を無効にするには、現在のワンタイムパスワードを入力してください",
		"disable.button": "無効にする",
		"disable.ok":     "二要素認証を無効にしました。",
		"disable.bad":    "ワンタイムパスワードが正しくないか、使用済みです。二要素認証は有効のままです。",
		"lost":           "認証アプリをなくした場合は、回復用コードでログインするか、管理者に二要素認証のリセットを依頼してください。",
		"err.title":      "エラー",
		"err.foreign":    "他のサイトからのリクエストのため、拒否しました。",
		"err.expired":    "セッションの有効期限が切れました。最初に戻ってやり直してください。",
		"err.stale":      "フォームが古くなっています。ページを再読み込みしてやり直してください。",
		"err.form":       "フォームを読み取れませんでした。",
		"err.internal":   "サーバーで問題が起きました。何も変更されていません。",
		"back":           "最初に戻る",
	},
}

const langCookie = "nidan_lang"

// message is a catalog key with its arguments, translated when a page is
// rendered in the reader's language.
type message struct {
	Key  string
	Args []any
	OK   bool
}

func tr(lang, key string, args ...any) string {
	s, ok := catalog[lang][key]
	if !ok {
		s = catalog["en"][key]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// language picks the page's language: ?lang= (remembered in a cookie),
// else the cookie, else the best of Accept-Language, else English.
func language(w http.ResponseWriter, r *http.Request, secure bool) string {
	if l := r.URL.Query().Get("lang"); catalog[l] != nil {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
		return l
	}
	if c, err := r.Cookie(langCookie); err == nil && catalog[c.Value] != nil {
		return c.Value
	}
	return acceptLanguage(r.Header.Get("Accept-Language"))
}

// acceptLanguage returns the supported language with the highest q value
// in an Accept-Language header (RFC 9110 §12.5.4); ties go to the first.
func acceptLanguage(h string) string {
	best, bestQ := "en", 0.0
	for i, part := range strings.Split(h, ",") {
		if i > 32 {
			break // a header this long is not from a browser
		}
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			var err error
			if q, err = strconv.ParseFloat(v, 64); err != nil {
				continue
			}
		}
		primary, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if catalog[primary] != nil && q > bestQ {
			best, bestQ = primary, q
		}
	}
	return best
}
