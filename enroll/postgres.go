package enroll

import (
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

var postgresDialect = dialect{
	name:      "PostgreSQL",
	blob:      "BYTEA",
	forUpdate: " FOR UPDATE",
	// Any constant will do; it only has to be the same in every process.
	lockSchema: "SELECT pg_advisory_xact_lock(7306812517745016)",
	rebind:     func(q string) string { return q },
	spendAndClear: `WITH spent AS (` + sqlQueries["spend"] + ` RETURNING 1),
		cleared AS (UPDATE nidan_enroll_throttle SET failures = 0, lockouts = 0, locked_until = 0, updated = CAST($5 AS BIGINT)
			WHERE key = $4 AND EXISTS (SELECT 1 FROM spent))
		SELECT count(*) FROM spent`,
	attemptAndGet:  true,
	batchFunctions: []string{countBatchFunc, spendBatchFunc},
	checkFunctions: []string{checkBatchFunc},
}

// OpenPostgres connects to the PostgreSQL database at url (a postgres://
// URL or a key=value connection string) and brings its schema up to date;
// key seals the TOTP secrets and is not kept in the database. Any number of
// processes may share one database: the replay guard and the attempt
// counters are decided by the database.
func OpenPostgres(url string, key []byte) (*SQLStore, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("open enroll PostgreSQL store: %w", err)
	}
	// Every statement is prepared once and finds its rows by key, so one
	// generic plan serves every execution; PostgreSQL's default planning
	// cost the batched code checks about 10% more server time per check
	// (BenchmarkVerifyCode, 16 workers).
	if _, set := cfg.RuntimeParams["plan_cache_mode"]; !set {
		cfg.RuntimeParams["plan_cache_mode"] = "force_generic_plan"
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(32)
	db.SetMaxIdleConns(32)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open enroll PostgreSQL store: %w", err)
	}
	ccfg := cfg.Copy()
	ccfg.RuntimeParams["synchronous_commit"] = "off"
	counters := stdlib.OpenDB(*ccfg)
	counters.SetMaxOpenConns(32)
	counters.SetMaxIdleConns(32)
	return openSQL(db, counters, postgresDialect, key)
}
