package formats

import (
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/nidan-auth/nidan/accounts"
)

// The Battle.net app's authenticator preferences
// (docs/formats.md, "Battle.net Authenticator storage"): the serial and
// the device secret, each masked with a key fixed in the app; or the old
// Battle.net Mobile Authenticator's one string holding both.
var battleNetFormat = Format{
	Name: "battlenet", App: "Battle.net Authenticator storage (authenticator_preferences.xml)",
	detect: func(s *sniff) bool { return isPrefs(s, battleNetPrefix) || isPrefs(s, battleNetBMAKey) },
	read:   func(data []byte, _ func() ([]byte, error), c *collector) error { return readBattleNet(data, c) },
}

const (
	battleNetPrefix    = "com.blizzard.messenger.AUTHENTICATOR_"
	battleNetSerialKey = battleNetPrefix + "SERIAL"
	battleNetSecretKey = battleNetPrefix + "DEVICE_SECRET"
	battleNetBMAKey    = "com.blizzard.bma.AUTH_STORE.HASH" // 40 hex digits of key, then the serial
	battleNetMaskHex   = "398e27fc50276a656065b0e525f4c06c04c61075286b8e7aeda59da9813b5dd6" +
		"c80d2fb38068773fa59ba47c17ca6c6479015c1d5b8b8f6b9a"
)

func readBattleNet(data []byte, c *collector) error {
	prefs, err := readPrefs(data)
	if err != nil {
		return err
	}
	var serial, secret string
	found := false
	for _, p := range prefs {
		switch p.Name {
		case battleNetSerialKey:
			serial = p.Value
		case battleNetSecretKey:
			secret, found = p.Value, true
		case battleNetBMAKey:
			return readBattleNetBMA(p.Value, c)
		}
	}
	if !found {
		return fmt.Errorf("%w: no %s in this file", accounts.ErrMalformed, battleNetSecretKey)
	}
	a := battleNetAccount()
	if strings.TrimSpace(serial) != "" {
		if a.Name, err = unmaskBattleNet(serial); err != nil {
			c.fail("the serial", "", err)
			a.Name = ""
		}
	}
	key, err := unmaskBattleNet(secret)
	if err == nil {
		if a.Secret, err = hex.DecodeString(key); err != nil || len(a.Secret) == 0 {
			err = &accounts.FieldError{Field: "secret", Err: fmt.Errorf("%w: the unmasked device secret is not a hex key", accounts.ErrInvalidSecret)}
		}
	}
	c.add("the authenticator", a, err)
	return nil
}

func battleNetAccount() accounts.Account {
	return accounts.Account{Type: accounts.TOTP, Issuer: "Battle.net", Digits: 8}
}

// readBattleNetBMA reads the old app's string: the key as 40 hex digits
// followed by the serial, masked together.
func readBattleNetBMA(masked string, c *collector) error {
	a := battleNetAccount()
	text, err := unmaskBattleNet(masked)
	if err == nil {
		if len(text) < 40 {
			err = fmt.Errorf("%w: the unmasked value is shorter than a key", accounts.ErrMalformed)
		} else if a.Secret, err = hex.DecodeString(text[:40]); err != nil {
			err = &accounts.FieldError{Field: "secret", Err: fmt.Errorf("%w: the unmasked key is not hex", accounts.ErrInvalidSecret)}
		}
		if err == nil {
			a.Name = strings.TrimSpace(text[40:])
		}
	}
	c.add("the authenticator", a, err)
	return nil
}

// unmaskBattleNet decodes a masked value: hex whose bytes, XORed with the
// app's mask, spell printable ASCII.
func unmaskBattleNet(s string) (string, error) {
	mask, _ := hex.DecodeString(battleNetMaskHex)
	b, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil || len(b) == 0 || len(b) > len(mask) {
		return "", fmt.Errorf("%w: a masked Battle.net value is hex of at most %d bytes", accounts.ErrMalformed, len(mask))
	}
	for i := range b {
		b[i] ^= mask[i]
		if b[i] < 0x20 || b[i] > 0x7e {
			return "", fmt.Errorf("%w: a Battle.net value does not unmask to text", accounts.ErrMalformed)
		}
	}
	return string(b), nil
}
