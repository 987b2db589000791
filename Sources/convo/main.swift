import ConvoCLI
await ConvoMain.main()
