package enroll

// testPassword is a cheap argon2id cost so the race-enabled tests stay fast;
// production code never uses it.
var testPassword = PasswordParams{Time: 1, Memory: 64, Threads: 1}
