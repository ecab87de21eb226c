; nidan.nsi — the per-user Windows installer for Nidan, built by
; scripts/package-windows-installer.sh (`make package-windows-installer`)
; with makensis. It installs dist/nidan.exe for the current user only, so no
; administrator rights are needed, and its uninstaller removes the program,
; the Start-menu shortcut and the uninstall entry. The vault in
; %APPDATA%\nidan is the user's data: neither the installer nor the
; uninstaller ever touches it, so an update (running a newer installer over
; the old one) and an uninstall both keep every account.
;
; The script passes, with -D:
;   VERSION      the version users see (0.1.0, 0.1.0-dev)
;   FILEVERSION  four numbers for the version resource (0.1.0.1)
;   EXE ICON     absolute paths of nidan.exe and assets/icon.ico
;   OUTFILE      the installer to write
;   SIGN         (optional) a command that Authenticode-signs the file it is
;                given in place (scripts/sign-windows.sh): the uninstaller
;                and the installer are signed as they are made

; A 64-bit installer for a 64-bit program (and Wine's wine64, which CI
; tests it with, runs no 32-bit code).
Target amd64-unicode
SetCompressor /SOLID lzma

!include FileFunc.nsh

!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Nidan"
!define PUBLISHER "The Nidan authors"

Name "Nidan"
OutFile "${OUTFILE}"
!ifdef SIGN
!finalize '"${SIGN}" "%1"'
!uninstfinalize '"${SIGN}" "%1"'
!endif
Icon "${ICON}"
UninstallIcon "${ICON}"
; Per-user: HKCU, %LOCALAPPDATA% and the user's own Start menu.
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\Nidan"
; An update goes where the last install went, even if the user chose a
; different folder then.
InstallDirRegKey HKCU "${UNINSTKEY}" "InstallLocation"
ShowInstDetails show
ShowUninstDetails show

VIProductVersion "${FILEVERSION}"
VIFileVersion "${FILEVERSION}"
VIAddVersionKey "ProductName" "Nidan"
VIAddVersionKey "FileDescription" "Nidan installer"
VIAddVersionKey "CompanyName" "${PUBLISHER}"
VIAddVersionKey "LegalCopyright" "${PUBLISHER}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "ProductVersion" "${VERSION}"

Page directory
Page instfiles
UninstPage uninstConfirm
UninstPage instfiles

Section "Nidan"
	SetShellVarContext current
	SetOutPath "$INSTDIR"
	; A running Nidan holds nidan.exe open; retry instead of leaving the
	; old file half replaced.
	SetOverwrite try
	ClearErrors
	File "/oname=nidan.exe" "${EXE}"
	IfErrors 0 copied
		MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "Nidan is running. Close it, then choose Retry." /SD IDCANCEL IDRETRY retry
		Abort "nidan.exe is in use; nothing was changed."
	retry:
		SetOverwrite on
		File "/oname=nidan.exe" "${EXE}"
	copied:
	SetOverwrite on
	File "/oname=nidan.ico" "${ICON}"
	WriteUninstaller "$INSTDIR\uninstall.exe"

	CreateShortcut "$SMPROGRAMS\Nidan.lnk" "$INSTDIR\nidan.exe" "" "$INSTDIR\nidan.ico" 0 SW_SHOWNORMAL "" "Two-step verification codes"

	WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "Nidan"
	WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
	WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\nidan.ico"
	WriteRegStr HKCU "${UNINSTKEY}" "Publisher" "${PUBLISHER}"
	WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
	WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
	WriteRegStr HKCU "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
	WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
	WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1
	${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
	WriteRegDWORD HKCU "${UNINSTKEY}" "EstimatedSize" $0
SectionEnd

; Only the files this installer put there: never %APPDATA%\nidan (the
; vault, its backups and settings), and never the folder if the user left
; other files in it.
Section "Uninstall"
	SetShellVarContext current
	Delete "$INSTDIR\nidan.exe"
	Delete "$INSTDIR\nidan.ico"
	Delete "$INSTDIR\uninstall.exe"
	RMDir "$INSTDIR"
	Delete "$SMPROGRAMS\Nidan.lnk"
	DeleteRegKey HKCU "${UNINSTKEY}"
SectionEnd
