// Two `serve --demo` processes started at the same moment on a fresh database both seed the demo
// brands: the second one to insert a brand finds it created and goes on (the outside attack on
// issue 14 found the second process exiting with "a reseller … exists already").
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { DEMO_RESELLERS, seedDemo } from '../../src/seed/demo.js';
import { openStore } from '../../src/db/store.js';
import { cheapHasher } from '../helpers/app.js';
import { DIALECTS, freshStore } from '../helpers/dialects.js';

for (const dialect of DIALECTS) {
  describe(`demo data seeded by two processes at once (${dialect})`, () => {
    it('both succeed, and each brand exists once', async () => {
      const first = await freshStore(dialect);
      const second = await openStore(first.location);
      try {
        const created = await Promise.all([seedDemo(first, cheapHasher(), systemClock), seedDemo(second, cheapHasher(), systemClock)]);
        expect(created.flat().sort()).toEqual(DEMO_RESELLERS.map((r) => r.ap).sort());
        const brands = await first.db.selectFrom('resellers').select('ap').execute();
        expect(brands.map((b) => b.ap).sort()).toEqual(DEMO_RESELLERS.map((r) => r.ap).sort());
      } finally {
        await second.close();
        await first.close();
      }
    });
  });
}
