@echo off
rem `scanready` for the installed Windows app: the app binary in its CLI mode (every command, no window).
rem Add this folder (resources\bin in the install directory) to PATH to use it from any prompt.
"%~dp0..\..\ScanReady.exe" --disable-gpu --scanready-cli %*
