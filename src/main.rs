fn main() -> std::process::ExitCode {
    codedrill::main()
}
