@echo off

REM On Linux/macOS the passed in script will run inside of bash, but on
REM Windows, this will run a batch file with the same script name instead.

%1.cmd