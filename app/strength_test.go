package app

import (
	"strings"
	"testing"
)

func TestPasswordStrength(t *testing.T) {
	for _, c := range []struct {
		pw   string
		weak bool
	}{
		{"12345678", true}, {"password", true}, {"Password1", true}, {"qwertyuiop", true},
		{"aaaaaaaaaaaa", true}, {"19840612", true}, {"abcdefgh", true},
		{"correct horse battery", false}, {"tiger-lamp-violin", false}, {"Xk9#mq2!", false},
	} {
		score, hint := passwordStrength(c.pw)
		if weak := score <= 1; weak != c.weak {
			t.Errorf("%q: score %d (%s), want weak=%v", c.pw, score, hint, c.weak)
		}
	}
}

func TestKeyValidatorNamesTheCharacter(t *testing.T) {
	err := keyValidator("JBSW Y3DP 0HPK")
	if err == nil {
		t.Fatal("a key with 0 was accepted")
	}
	for _, want := range []string{"“0”", "position 11", "letter O"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
	if err := keyValidator("JBSW Y3DP EHPK 3PXP"); err != nil {
		t.Fatalf("a good key: %v", err)
	}
}
