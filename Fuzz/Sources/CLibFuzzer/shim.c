// Empty: CLibFuzzer only declares libFuzzer's driver entry point (see include/CLibFuzzer.h).
