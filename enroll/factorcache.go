package enroll

import "sync"

// factorCacheMax bounds the factors a factorCache holds: every user
// checking codes at once on a large panel, at a few hundred bytes each.
const factorCacheMax = 4096

// factorCache keeps unsealed factors by what they were unsealed from (the
// user, the slot and the sealed bytes, nonce and tag included), so that a
// code check reads the factor from the database (or, one step on
// PostgreSQL, has the database compare the row's sealed bytes with the
// ones it holds), as it must to see a factor replaced by another
// instance, but does not decrypt and decode the same bytes again. Equal bytes under the store's one key always open
// to the same factor, and bytes that differ in any way, or moved to
// another user or slot, miss and go through AES-GCM. The secrets it holds
// are no more exposed than the key beside them in the process's memory.
type factorCache struct {
	mu sync.Mutex
	m  map[string]*Factor
}

// get returns a copy of the cached factor, or nil.
func (c *factorCache) get(k string) *Factor {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[k].clone()
}

func (c *factorCache) put(k string, f *Factor) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= factorCacheMax {
		// Full: start over rather than track use, since a miss costs
		// only one decryption.
		c.wipe()
		c.m = make(map[string]*Factor)
	}
	c.m[k] = f.clone()
}

// forget drops and wipes every cached secret.
func (c *factorCache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.wipe()
	c.m = nil
}

func (c *factorCache) wipe() {
	for _, f := range c.m {
		clear(f.Secret)
	}
}
