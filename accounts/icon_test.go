package accounts

import (
	"bytes"
	"testing"
)

func TestIconKeptOrDropped(t *testing.T) {
	ok := Account{Type: TOTP, Secret: []byte("12345678901234567890"), Icon: []byte("\x89PNG...."), IconMIME: "image/png"}
	if err := ok.Prepare(); err != nil || !ok.HasIcon() {
		t.Fatalf("a small PNG icon: %v, kept %v", err, ok.HasIcon())
	}
	c := ok.Clone()
	c.Icon[0] = 0
	if ok.Icon[0] != 0x89 {
		t.Fatal("Clone shares the icon's bytes")
	}
	for name, a := range map[string]Account{
		"too large": {Icon: bytes.Repeat([]byte{1}, MaxIconLen+1), IconMIME: "image/png"},
		"gif":       {Icon: []byte("GIF89a"), IconMIME: "image/gif"},
		"no type":   {Icon: []byte("x")},
	} {
		a.Type, a.Secret = TOTP, []byte("12345678901234567890")
		if err := a.Prepare(); err != nil {
			t.Fatalf("%s: the account itself was refused: %v", name, err)
		}
		if a.Icon != nil || a.IconMIME != "" {
			t.Errorf("%s: icon kept", name)
		}
	}
}
