"""Amendment notices (Änderungsbescheide) to a funding notice in force."""
