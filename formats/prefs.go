package formats

import (
	"bytes"
	"encoding/xml"
	"fmt"

	"github.com/nidan-auth/nidan/accounts"
)

// Android apps keep their data in SharedPreferences files: XML like
//
//	<?xml version='1.0' encoding='utf-8' standalone='yes' ?>
//	<map>
//	    <string name="key">value, often JSON</string>
//	    <int name="other" value="3" />
//	</map>
//
// Authy and FreeOTP store their tokens that way; a user copies the file off
// a rooted phone or out of an adb backup. Only the <string> entries matter.

type prefString struct {
	Name  string `xml:"name,attr"`
	Value string `xml:",chardata"`
}

// readPrefs returns the <string> entries of a SharedPreferences file, in
// file order.
func readPrefs(data []byte) ([]prefString, error) {
	var m struct {
		XMLName xml.Name     `xml:"map"`
		Strings []prefString `xml:"string"`
	}
	if err := xml.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%w: %v", accounts.ErrMalformed, err)
	}
	return m.Strings, nil
}

// isPrefs reports whether data looks like a SharedPreferences file holding
// a string entry whose name contains key.
func isPrefs(s *sniff, key string) bool {
	t := s.trimmed
	return len(t) > 0 && t[0] == '<' && bytes.Contains(t[:min(len(t), 512)], []byte("<map")) && bytes.Contains(t, []byte(key))
}
