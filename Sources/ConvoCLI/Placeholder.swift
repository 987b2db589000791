public enum ConvoMain { public static func main() async {} }
