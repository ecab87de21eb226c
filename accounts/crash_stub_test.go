package accounts

const crashChildEnv = "NIDAN_TEST_CRASH_CHILD"

func crashChild() {}
