package accounts

import (
	"net/url"
	"strconv"
	"strings"
)

// ParseURI reads an otpauth Key URI (the text in an authenticator QR code):
//
//	otpauth://TYPE/[ISSUER:]NAME?secret=KEY&issuer=ISSUER&algorithm=SHA1&digits=6&period=30&counter=N
//
// It accepts what real services produce — lower-case or spaced keys, missing
// padding, the issuer in the label, the parameter or both, URL-encoded labels,
// unknown parameters — and rejects what cannot produce correct codes with a
// *FieldError naming the field and the value. The returned account has a
// fresh ID and timestamps of now.
func ParseURI(uri string) (Account, error) {
	s := strings.TrimSpace(uri)
	const scheme = "otpauth://"
	if len(s) < len(scheme) || !strings.EqualFold(s[:len(scheme)], scheme) {
		return Account{}, &FieldError{Field: "uri", Value: truncate(s), Err: ErrNotOTPAuth}
	}
	s = s[len(scheme):]
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i]
	}
	rawQuery := ""
	if i := strings.IndexByte(s, '?'); i >= 0 {
		s, rawQuery = s[:i], s[i+1:]
	}
	typ, rawLabel, _ := strings.Cut(s, "/")

	var a Account
	switch strings.ToLower(typ) {
	case "totp":
		a.Type = TOTP
	case "hotp":
		a.Type = HOTP
	case "steam":
		a.Type = Steam
	default:
		return Account{}, &FieldError{Field: "type", Value: typ, Err: ErrUnknownType}
	}

	// A literal ':' separates issuer and name; an escaped one (%3A) does only
	// when there is no literal one, since Nidan escapes colons inside names.
	if issuer, name, ok := strings.Cut(rawLabel, ":"); ok {
		a.Issuer, a.Name = unescapeLabel(issuer), unescapeLabel(name)
	} else if issuer, name, ok := strings.Cut(unescapeLabel(rawLabel), ":"); ok {
		a.Issuer, a.Name = strings.TrimSpace(issuer), strings.TrimSpace(name)
	} else {
		a.Name = unescapeLabel(rawLabel)
	}

	q := parseQuery(rawQuery)
	if v, ok := q["issuer"]; ok && strings.TrimSpace(v) != "" {
		a.Issuer = strings.TrimSpace(v)
	}
	secret, ok := q["secret"]
	if !ok {
		return Account{}, &FieldError{Field: "secret", Err: ErrEmptySecret}
	}
	var err error
	if a.Secret, err = DecodeSecret(secret); err != nil {
		return Account{}, err
	}
	if strings.EqualFold(q["encoder"], "steam") {
		a.Type = Steam
	}
	if v, ok := q["algorithm"]; ok {
		if a.Algorithm, err = ParseAlgorithm(v); err != nil {
			return Account{}, err
		}
	}
	if v, ok := q["digits"]; ok && a.Type != Steam {
		d, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || d < 6 || d > 8 {
			return Account{}, &FieldError{Field: "digits", Value: v, Err: ErrDigits}
		}
		a.Digits = d
	}
	if v, ok := q["period"]; ok && a.Type != HOTP {
		p, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || p <= 0 || p > 24*3600 {
			return Account{}, &FieldError{Field: "period", Value: v, Err: ErrPeriod}
		}
		a.Period = p
	}
	if v, ok := q["counter"]; ok && a.Type == HOTP {
		c, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return Account{}, &FieldError{Field: "counter", Value: v, Err: ErrCounter}
		}
		a.Counter = c
	}
	if err := a.Prepare(); err != nil {
		return Account{}, err
	}
	return a, nil
}

// parseQuery is url.ParseQuery without its strictness: a malformed escape in
// one parameter does not lose the others, keys are case-insensitive, and the
// first value of a repeated key wins.
func parseQuery(raw string) map[string]string {
	out := map[string]string{}
	for _, part := range strings.FieldsFunc(raw, func(r rune) bool { return r == '&' || r == ';' }) {
		k, v, _ := strings.Cut(part, "=")
		if uk, err := url.QueryUnescape(k); err == nil {
			k = uk
		}
		if uv, err := url.QueryUnescape(v); err == nil {
			v = uv
		}
		k = strings.ToLower(strings.TrimSpace(k))
		if _, seen := out[k]; !seen {
			out[k] = v
		}
	}
	return out
}

// ParseAlgorithm accepts SHA1/SHA256/SHA512 in any case, with or without a dash.
func ParseAlgorithm(s string) (Algorithm, error) {
	switch strings.ReplaceAll(strings.ToUpper(strings.TrimSpace(s)), "-", "") {
	case "SHA1", "":
		return SHA1, nil
	case "SHA256":
		return SHA256, nil
	case "SHA512":
		return SHA512, nil
	}
	return "", &FieldError{Field: "algorithm", Value: s, Err: ErrUnknownAlgorithm}
}

// ParseType accepts totp, hotp or steam in any case.
func ParseType(s string) (Type, error) {
	switch t := Type(strings.ToLower(strings.TrimSpace(s))); t {
	case TOTP, HOTP, Steam:
		return t, nil
	case "":
		return TOTP, nil
	}
	return "", &FieldError{Field: "type", Value: s, Err: ErrUnknownType}
}

// URI returns the account as a canonical otpauth Key URI. Parameters at
// their defaults are still written, so that apps which ignore defaults agree.
// Steam accounts use the "steam" type, which apps that cannot render Steam
// codes refuse rather than show wrong numeric codes.
func (a *Account) URI() string {
	label := escapeLabel(a.Name)
	if a.Issuer != "" || strings.Contains(a.Name, ":") {
		// An empty issuer before the separator keeps a colon in the name
		// from being read as one.
		label = escapeLabel(a.Issuer) + ":" + label
	}
	q := make([]string, 0, 6)
	q = append(q, "secret="+EncodeSecret(a.Secret))
	if a.Issuer != "" {
		q = append(q, "issuer="+url.QueryEscape(a.Issuer))
	}
	q = append(q, "algorithm="+string(a.Algorithm), "digits="+strconv.Itoa(a.Digits))
	if a.Type == HOTP {
		q = append(q, "counter="+strconv.FormatUint(a.Counter, 10))
	} else {
		q = append(q, "period="+strconv.Itoa(a.Period))
	}
	return "otpauth://" + string(a.Type) + "/" + label + "?" + strings.Join(q, "&")
}

func unescapeLabel(s string) string {
	u, err := url.PathUnescape(s)
	if err != nil {
		u = s // a stray '%' in a name is not worth refusing the account over
	}
	return strings.TrimSpace(u)
}

func escapeLabel(s string) string {
	return strings.ReplaceAll(url.PathEscape(s), ":", "%3A")
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
