; 接访台 Jiefang Desk — the Windows installer (NSIS 3.08, UTF-8 source).
;
; Built by `make installer` (packaging/windows.mk), which runs
;   makensis -INPUTCHARSET UTF8 -DVERSION=X.Y.Z -DVERSION4=X.Y.Z.B \
;            -DDIST=<folder with jiefang.exe and jiefangctl.exe> -DOUTFILE=<setup.exe> \
;            [-DSIGN_SCRIPT=<packaging/windows/sign.sh, absolute>] packaging/windows/installer.nsi
; VERSION and BUILD come from FyneApp.toml, like everything else's.
;
; The installer's command line:
;   /S             silent: no windows; the exit code is 0 on success
;   /ALLUSERS      for all users of the PC: Program Files, HKLM, the shared Start
;                  menu and desktop. Needs an elevated (administrator) prompt:
;                  without one it refuses, exit code 740.
;   /ENROLL=CODE   a hub enrollment code (JF1-…) for the installing user: written
;                  to %LOCALAPPDATA%\Jiefang\enrollment-code.txt
;   /D=DIR         another install folder (NSIS's own switch: last, unquoted)
;
; Program files go to %LOCALAPPDATA%\Programs\Jiefang (per user, the default)
; or %ProgramFiles%\Jiefang (/ALLUSERS). The desk's data — database, evidence
; files, settings — is in %LOCALAPPDATA%\Jiefang (cases/store/datadir.go):
; neither install, upgrade nor uninstall ever deletes or changes anything
; there; only /ENROLL adds its one file.

Unicode true
Target amd64-unicode   ; a 32-bit stub installs nothing under a 64-bit-only wine, and exits 0
RequestExecutionLevel user
ManifestDPIAware true
ManifestSupportedOS {8e0f7a12-bfb3-4fe8-b9a5-48fd50a15a9a} ; Windows 10 and 11
!ifndef COMPRESSOR
  !define COMPRESSOR "/SOLID lzma" ; CI's quick throwaway builds pass -DCOMPRESSOR=zlib
!endif
SetCompressor ${COMPRESSOR}

!ifndef VERSION | VERSION4 | DIST | OUTFILE
  !error "run through make installer: VERSION, VERSION4, DIST and OUTFILE must be defined"
!endif

!define PRODUCT     "接访台"
!define PUBLISHER   "接访台 Jiefang Desk"
!define UNINST_KEY  "Software\Microsoft\Windows\CurrentVersion\Uninstall\Jiefang"
!define DATA_FOLDER "Jiefang" ; under %LOCALAPPDATA%: the desk's data, never removed
!define ENROLL_FILE "enrollment-code.txt"
!define ERROR_ELEVATION_REQUIRED 740

!include MUI2.nsh
!include FileFunc.nsh
!include LogicLib.nsh

Name "${PRODUCT}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\Jiefang"
BrandingText "${PUBLISHER} ${VERSION}"
ShowInstDetails show
ShowUninstDetails show

!ifdef SIGN_SCRIPT
  ; Sign uninstall.exe as it is packed (make sign): %1 is the file.
  !uninstfinalize 'bash "${SIGN_SCRIPT}" "%1"' = 0
!endif

Var AllUsers ; 1: /ALLUSERS

; --- pages --------------------------------------------------------------------
!define MUI_ICON   "jiefang.ico"
!define MUI_UNICON "jiefang.ico"
!define MUI_ABORTWARNING
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\jiefang.exe"
!define MUI_FINISHPAGE_RUN_TEXT "$(RunDesk)"
!define MUI_PAGE_CUSTOMFUNCTION_SHOW FinishShow
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

; The first language is the default; Windows' display language picks.
!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"

LangString RunDesk        ${LANG_SIMPCHINESE} "现在打开接访台"
LangString RunDesk        ${LANG_ENGLISH}     "Open Jiefang Desk now"
LangString NeedAdmin      ${LANG_SIMPCHINESE} "为所有用户安装（/ALLUSERS）需要管理员权限。请右键“以管理员身份运行”命令提示符，再从那里运行安装程序。"
LangString NeedAdmin      ${LANG_ENGLISH}     "Installing for all users (/ALLUSERS) needs administrator rights. Run the installer from a command prompt opened with 'Run as administrator'."
LangString DeskRunning    ${LANG_SIMPCHINESE} "接访台正在运行。请先关闭接访台，再点“重试”。案件不会丢失。"
LangString DeskRunning    ${LANG_ENGLISH}     "Jiefang Desk is running. Close it, then click Retry. No case is lost."
LangString AllUsersThere  ${LANG_SIMPCHINESE} "这台电脑上的接访台是为所有用户安装的（$0）。请让负责电脑的同事用 /ALLUSERS 以管理员身份升级。"
LangString AllUsersThere  ${LANG_ENGLISH}     "Jiefang Desk is installed for all users of this PC ($0). Ask IT to upgrade it with /ALLUSERS as administrator."
LangString BadEnroll      ${LANG_SIMPCHINESE} "入网码应以 JF1- 开头：$1"
LangString BadEnroll      ${LANG_ENGLISH}     "An enrollment code starts with JF1-: $1"
LangString KeepsData      ${LANG_SIMPCHINESE} "案件、证据文件和设置保留在 $0，没有删除。"
LangString KeepsData      ${LANG_ENGLISH}     "The cases, evidence files and settings stay in $0; nothing there was deleted."

VIProductVersion "${VERSION4}"
VIFileVersion    "${VERSION4}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "ProductName"     "${PUBLISHER}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "ProductVersion"  "${VERSION}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "FileVersion"     "${VERSION4}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "FileDescription" "接访台 Jiefang Desk 安装程序"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "CompanyName"     "${PUBLISHER}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "LegalCopyright"  "© 2025 ${PUBLISHER}"

; --- shared -------------------------------------------------------------------

; RequireAdmin refuses to go on without administrator rights (for /ALLUSERS).
!macro RequireAdmin
  UserInfo::GetAccountType
  Pop $0
  ${If} $0 != "Admin"
    MessageBox MB_ICONSTOP "$(NeedAdmin)" /SD IDOK
    SetErrorLevel ${ERROR_ELEVATION_REQUIRED}
    Quit
  ${EndIf}
!macroend

; WaitDeskClosed waits until jiefang.exe in $INSTDIR can be written (Windows
; locks a running program's file), asking the user; silent: gives up, exit 2.
!macro WaitDeskClosed
  ${Do}
    ${IfNot} ${FileExists} "$INSTDIR\jiefang.exe"
      ${Break}
    ${EndIf}
    ClearErrors
    FileOpen $0 "$INSTDIR\jiefang.exe" a
    ${IfNot} ${Errors}
      FileClose $0
      ${Break}
    ${EndIf}
    ${IfNot} ${Cmd} `MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "$(DeskRunning)" /SD IDCANCEL IDRETRY`
      SetErrorLevel 2
      Quit
    ${EndIf}
  ${Loop}
!macroend

; --- install ------------------------------------------------------------------

Function .onInit
  StrCpy $AllUsers 0
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/ALLUSERS" $1
  ${IfNot} ${Errors}
    StrCpy $AllUsers 1
  ${EndIf}
  ; /ENROLL=: only the form is checked here; the desk checks the rest.
  ClearErrors
  ${GetOptions} $R0 "/ENROLL=" $1
  ${IfNot} ${Errors}
  ${AndIf} $1 != ""
    StrCpy $2 $1 4
    ${If} $2 != "JF1-"
      MessageBox MB_ICONSTOP "$(BadEnroll)" /SD IDOK
      SetErrorLevel 2
      Quit
    ${EndIf}
  ${EndIf}

  ; $INSTDIR is InstallDir unless /D= gave another folder; only then do
  ; the all-users default and an earlier install's folder apply.
  StrCpy $3 0
  ${If} $INSTDIR == "$LOCALAPPDATA\Programs\Jiefang"
    StrCpy $3 1
  ${EndIf}

  ${If} $AllUsers == 1
    !insertmacro RequireAdmin
    SetShellVarContext all
    ${If} $3 == 1
      StrCpy $INSTDIR "$PROGRAMFILES64\Jiefang"
    ${EndIf}
  ${Else}
    ; A per-user copy beside an all-users one would hide it: refuse.
    ReadRegStr $0 HKLM "${UNINST_KEY}" "InstallLocation"
    ${If} $0 != ""
      MessageBox MB_ICONSTOP "$(AllUsersThere)" /SD IDOK
      SetErrorLevel 2
      Quit
    ${EndIf}
    SetShellVarContext current
  ${EndIf}

  ; An upgrade goes where the earlier version is (SHCTX: HKLM or HKCU).
  ${If} $3 == 1
    ReadRegStr $0 SHCTX "${UNINST_KEY}" "InstallLocation"
    ${If} $0 != ""
      StrCpy $INSTDIR $0
    ${EndIf}
  ${EndIf}
FunctionEnd

; The finish page's 现在打开接访台: not after an all-users install, which runs
; elevated, maybe as another account, whose data folder is not the clerk's.
Function FinishShow
  ${If} $AllUsers == 1
    ${NSD_Uncheck} $mui.FinishPage.Run
    ShowWindow $mui.FinishPage.Run ${SW_HIDE}
  ${EndIf}
FunctionEnd

Section "${PRODUCT}" SecMain
  SectionIn RO
  !insertmacro WaitDeskClosed
  SetOutPath "$INSTDIR"
  SetOverwrite on
  File "${DIST}/jiefang.exe"
  File "${DIST}/jiefangctl.exe"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  ; $SMPROGRAMS and $DESKTOP are the shared ones under /ALLUSERS.
  CreateShortCut "$SMPROGRAMS\${PRODUCT}.lnk" "$INSTDIR\jiefang.exe" "" "$INSTDIR\jiefang.exe" 0
  CreateShortCut "$DESKTOP\${PRODUCT}.lnk"    "$INSTDIR\jiefang.exe" "" "$INSTDIR\jiefang.exe" 0

  ; Add/Remove Programs (SHCTX: HKLM under /ALLUSERS, else HKCU).
  StrCpy $1 ""
  ${If} $AllUsers == 1
    StrCpy $1 " /ALLUSERS"
  ${EndIf}
  WriteRegStr   SHCTX "${UNINST_KEY}" "DisplayName"          "${PRODUCT}"
  WriteRegStr   SHCTX "${UNINST_KEY}" "DisplayVersion"       "${VERSION}"
  WriteRegStr   SHCTX "${UNINST_KEY}" "Publisher"            "${PUBLISHER}"
  WriteRegStr   SHCTX "${UNINST_KEY}" "DisplayIcon"          "$INSTDIR\jiefang.exe,0"
  WriteRegStr   SHCTX "${UNINST_KEY}" "InstallLocation"      "$INSTDIR"
  WriteRegStr   SHCTX "${UNINST_KEY}" "UninstallString"      '"$INSTDIR\uninstall.exe"$1'
  WriteRegStr   SHCTX "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S$1'
  WriteRegDWORD SHCTX "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD SHCTX "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $2 $3
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD SHCTX "${UNINST_KEY}" "EstimatedSize" $0

  ; /ENROLL=CODE: into the installing user's data folder. (The desk does not
  ; read this file yet: the code is still pasted in 连接上级.)
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/ENROLL=" $1
  ${IfNot} ${Errors}
  ${AndIf} $1 != ""
    SetShellVarContext current
    CreateDirectory "$LOCALAPPDATA\${DATA_FOLDER}"
    FileOpen $0 "$LOCALAPPDATA\${DATA_FOLDER}\${ENROLL_FILE}" w
    FileWrite $0 "$1$\r$\n"
    FileClose $0
    DetailPrint "enrollment code: $LOCALAPPDATA\${DATA_FOLDER}\${ENROLL_FILE}"
    ${If} $AllUsers == 1
      SetShellVarContext all
    ${EndIf}
  ${EndIf}
SectionEnd

; --- uninstall ----------------------------------------------------------------
; Removes the program files, the shortcuts and the registry key; never the
; data folder %LOCALAPPDATA%\Jiefang (cases, evidence, settings).

Function un.onInit
  StrCpy $AllUsers 0
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/ALLUSERS" $1
  ${IfNot} ${Errors}
    StrCpy $AllUsers 1
  ${EndIf}
  ; Also all users when this is the all-users copy ($INSTDIR: the
  ; uninstaller's folder).
  ReadRegStr $0 HKLM "${UNINST_KEY}" "InstallLocation"
  ${If} $0 != ""
  ${AndIf} $0 == $INSTDIR
    StrCpy $AllUsers 1
  ${EndIf}
  ${If} $AllUsers == 1
    !insertmacro RequireAdmin
    SetShellVarContext all
  ${Else}
    SetShellVarContext current
  ${EndIf}
FunctionEnd

Section "Uninstall"
  !insertmacro WaitDeskClosed
  Delete "$INSTDIR\jiefang.exe"
  Delete "$INSTDIR\jiefangctl.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR" ; only if empty: nothing but ours is ever deleted
  Delete "$SMPROGRAMS\${PRODUCT}.lnk"
  Delete "$DESKTOP\${PRODUCT}.lnk"
  DeleteRegKey SHCTX "${UNINST_KEY}"
  ; Say where the data stays (the uninstalling user's).
  SetShellVarContext current
  StrCpy $0 "$LOCALAPPDATA\${DATA_FOLDER}"
  DetailPrint "$(KeepsData)"
SectionEnd
