package accounts

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"net/url"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"
)

// Migration is the content of one Google Authenticator export QR code
// (otpauth-migration://offline?data=…). A large export is split into several
// codes: BatchIndex (0-based) of BatchSize, all sharing BatchID.
type Migration struct {
	Accounts   []Account
	Version    int
	BatchSize  int
	BatchIndex int
	BatchID    int
}

// Part describes the batch position for people: "2 of 3".
func (m *Migration) Part() string {
	size := max(m.BatchSize, 1)
	return fmt.Sprintf("%d of %d", m.BatchIndex+1, size)
}

// Field numbers and enum values of Google Authenticator's MigrationPayload.
const (
	migOTPParameters = 1
	migVersion       = 2
	migBatchSize     = 3
	migBatchIndex    = 4
	migBatchID       = 5

	otpSecret    = 1
	otpName      = 2
	otpIssuer    = 3
	otpAlgorithm = 4
	otpDigits    = 5
	otpType      = 6
	otpCounter   = 7
)

// ParseMigration decodes a Google Authenticator export URI into accounts.
// Every account is validated; an account the payload cannot describe
// correctly (MD5, unknown enums) makes the whole URI an error rather than
// being dropped, so an import never silently loses a second factor.
func ParseMigration(uri string) (Migration, error) {
	s := strings.TrimSpace(uri)
	const scheme = "otpauth-migration://"
	if len(s) < len(scheme) || !strings.EqualFold(s[:len(scheme)], scheme) {
		return Migration{}, &FieldError{Field: "uri", Value: truncate(s), Err: ErrNotMigration}
	}
	_, rawQuery, _ := strings.Cut(s[len(scheme):], "?")
	data, ok := parseQuery(rawQuery)["data"]
	if !ok || data == "" {
		return Migration{}, &FieldError{Field: "data", Err: ErrMalformed}
	}
	payload, err := decodeBase64Loose(data)
	if err != nil {
		return Migration{}, &FieldError{Field: "data", Err: fmt.Errorf("%w: not base64", ErrMalformed)}
	}
	m, err := decodeMigrationPayload(payload)
	if err != nil {
		return Migration{}, &FieldError{Field: "data", Err: err}
	}
	return m, nil
}

// decodeBase64Loose accepts standard or URL alphabets, with or without
// padding, and a '+' that a URL decoder turned into a space.
func decodeBase64Loose(s string) ([]byte, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "+")
	s = strings.TrimRight(s, "=")
	if strings.ContainsAny(s, "-_") {
		return base64.RawURLEncoding.DecodeString(s)
	}
	return base64.RawStdEncoding.DecodeString(s)
}

func decodeMigrationPayload(b []byte) (Migration, error) {
	var m Migration
	err := walkFields(b, func(num protowire.Number, typ protowire.Type, v uint64, raw []byte) error {
		switch {
		case num == migOTPParameters && typ == protowire.BytesType:
			a, err := decodeOTPParameters(raw)
			if err != nil {
				return fmt.Errorf("account %d: %w", len(m.Accounts)+1, err)
			}
			m.Accounts = append(m.Accounts, a)
		case num == migVersion && typ == protowire.VarintType:
			m.Version = int(int32(v))
		case num == migBatchSize && typ == protowire.VarintType:
			m.BatchSize = int(int32(v))
		case num == migBatchIndex && typ == protowire.VarintType:
			m.BatchIndex = int(int32(v))
		case num == migBatchID && typ == protowire.VarintType:
			m.BatchID = int(int32(v))
		}
		return nil
	})
	if err != nil {
		return Migration{}, err
	}
	if m.BatchSize < 0 || m.BatchIndex < 0 || (m.BatchSize > 0 && m.BatchIndex >= m.BatchSize) {
		return Migration{}, fmt.Errorf("%w: batch %d of %d", ErrMalformed, m.BatchIndex, m.BatchSize)
	}
	return m, nil
}

func decodeOTPParameters(b []byte) (Account, error) {
	var a Account
	var alg, digits, typ uint64
	err := walkFields(b, func(num protowire.Number, wt protowire.Type, v uint64, raw []byte) error {
		switch {
		case num == otpSecret && wt == protowire.BytesType:
			a.Secret = append([]byte(nil), raw...)
		case num == otpName && wt == protowire.BytesType:
			a.Name = string(raw)
		case num == otpIssuer && wt == protowire.BytesType:
			a.Issuer = string(raw)
		case num == otpAlgorithm && wt == protowire.VarintType:
			alg = v
		case num == otpDigits && wt == protowire.VarintType:
			digits = v
		case num == otpType && wt == protowire.VarintType:
			typ = v
		case num == otpCounter && wt == protowire.VarintType:
			a.Counter = v
		}
		return nil
	})
	if err != nil {
		return Account{}, err
	}
	switch alg {
	case 0, 1:
		a.Algorithm = SHA1
	case 2:
		a.Algorithm = SHA256
	case 3:
		a.Algorithm = SHA512
	default: // 4 is MD5, which no current service uses and RFC 6238 does not allow
		return Account{}, &FieldError{Field: "algorithm", Value: fmt.Sprint(alg), Err: ErrUnknownAlgorithm}
	}
	switch digits {
	case 0, 1:
		a.Digits = 6
	case 2:
		a.Digits = 8
	default:
		return Account{}, &FieldError{Field: "digits", Value: fmt.Sprint(digits), Err: ErrDigits}
	}
	switch typ {
	case 0, 2:
		a.Type = TOTP
	case 1:
		a.Type = HOTP
	default:
		return Account{}, &FieldError{Field: "type", Value: fmt.Sprint(typ), Err: ErrUnknownType}
	}
	// Google puts "Issuer:name" in the name field when the original label had it.
	if issuer, name, ok := strings.Cut(a.Name, ":"); ok {
		if a.Issuer == "" || strings.EqualFold(strings.TrimSpace(issuer), a.Issuer) {
			a.Issuer, a.Name = strings.TrimSpace(issuer), strings.TrimSpace(name)
		}
	}
	if err := a.Prepare(); err != nil {
		return Account{}, err
	}
	return a, nil
}

// walkFields calls fn for every field of a protobuf message, rejecting
// truncated or malformed wire data.
func walkFields(b []byte, fn func(num protowire.Number, typ protowire.Type, v uint64, raw []byte) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return fmt.Errorf("%w: %v", ErrMalformed, protowire.ParseError(n))
		}
		b = b[n:]
		var v uint64
		var raw []byte
		switch typ {
		case protowire.VarintType:
			v, n = protowire.ConsumeVarint(b)
		case protowire.BytesType:
			raw, n = protowire.ConsumeBytes(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return fmt.Errorf("%w: %v", ErrMalformed, protowire.ParseError(n))
		}
		b = b[n:]
		if err := fn(num, typ, v, raw); err != nil {
			return err
		}
	}
	return nil
}

// MigrationURIs encodes accounts as Google Authenticator export URIs, at most
// perCode accounts in each (so every QR code stays scannable). Steam accounts
// and 7-digit codes cannot be described by the format and are refused.
func MigrationURIs(accts []Account, perCode int) ([]string, error) {
	if perCode <= 0 {
		perCode = 10
	}
	batches := (len(accts) + perCode - 1) / perCode
	var idBytes [4]byte
	_, _ = rand.Read(idBytes[:]) // any value shared by the batch; Google uses a random one
	batchID := int32(binary.BigEndian.Uint32(idBytes[:]) & 0x7fffffff)
	var out []string
	for i := 0; i < batches; i++ {
		var b []byte
		for _, a := range accts[i*perCode : min((i+1)*perCode, len(accts))] {
			p, err := encodeOTPParameters(&a)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", a.Label(), err)
			}
			b = protowire.AppendTag(b, migOTPParameters, protowire.BytesType)
			b = protowire.AppendBytes(b, p)
		}
		for _, f := range []struct {
			num protowire.Number
			v   int32
		}{{migVersion, 1}, {migBatchSize, int32(batches)}, {migBatchIndex, int32(i)}, {migBatchID, batchID}} {
			b = protowire.AppendTag(b, f.num, protowire.VarintType)
			b = protowire.AppendVarint(b, uint64(f.v))
		}
		out = append(out, "otpauth-migration://offline?data="+url.QueryEscape(base64.StdEncoding.EncodeToString(b)))
	}
	return out, nil
}

func encodeOTPParameters(a *Account) ([]byte, error) {
	var alg, digits, typ uint64
	switch a.Algorithm {
	case SHA1:
		alg = 1
	case SHA256:
		alg = 2
	case SHA512:
		alg = 3
	}
	switch a.Digits {
	case 6:
		digits = 1
	case 8:
		digits = 2
	default:
		return nil, &FieldError{Field: "digits", Value: fmt.Sprint(a.Digits), Err: ErrDigits}
	}
	switch a.Type {
	case TOTP:
		typ = 2
		if a.Period != DefaultPeriod {
			return nil, &FieldError{Field: "period", Value: fmt.Sprint(a.Period), Err: ErrPeriod}
		}
	case HOTP:
		typ = 1
	default:
		return nil, &FieldError{Field: "type", Value: string(a.Type), Err: ErrUnknownType}
	}
	name := a.Name
	if a.Issuer != "" {
		name = a.Issuer + ":" + a.Name
	}
	var b []byte
	b = protowire.AppendTag(b, otpSecret, protowire.BytesType)
	b = protowire.AppendBytes(b, a.Secret)
	b = protowire.AppendTag(b, otpName, protowire.BytesType)
	b = protowire.AppendString(b, name)
	b = protowire.AppendTag(b, otpIssuer, protowire.BytesType)
	b = protowire.AppendString(b, a.Issuer)
	for _, f := range []struct {
		num protowire.Number
		v   uint64
	}{{otpAlgorithm, alg}, {otpDigits, digits}, {otpType, typ}, {otpCounter, a.Counter}} {
		b = protowire.AppendTag(b, f.num, protowire.VarintType)
		b = protowire.AppendVarint(b, f.v)
	}
	return b, nil
}
