package formats

// registry is every format Nidan reads or writes, one line each, in the
// order DetectFormat tries them (the most specific first: a Nidan backup
// by its magic bytes, JSON by its keys, text exports last). It drives
// detection, the CLI's --format choices and help text, and the GUI's
// import and export lists. A new format is one file defining a Format and
// one line here.
var registry = []Format{
	nidanFormat,
	aegisFormat,
	twoFASFormat,
	twoFASEncryptedFormat, // writes only: 2fas reads its files
	bitwardenFormat,
	protonFormat,
	enteFormat,
	cxfFormat,
	lastPassFormat,
	authProFormat,
	authProEncryptedFormat,
	authProDBFormat, // before google-db: both are SQLite
	steamFormat,
	duoFormat,
	andOTPFormat,
	freeOTPPlusFormat,
	freeOTP2Format, // before freeotp-xml: its XML form is SharedPreferences too
	freeOTPXMLFormat,
	authyFormat,
	battleNetFormat,
	googleDBFormat,
	microsoftFormat,
	raivoFormat,
	authPlusFormat,
	bitwardenCSVFormat,
	googleFormat,
	winAuthFormat, // before uris: the same lines, with WinAuth's own parameters
	urisFormat,
	totpAuthFormat,        // base64 text: after every text format
	authPlusDBFormat,      // SQLCipher has no magic: binary whole pages
	andOTPEncryptedFormat, // last of the readers: it claims binary files nothing else did
	qrFormat,
}
