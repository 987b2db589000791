// ResponsesEmulator
