print("convo-emulator")
