import { describe, expect, it } from 'vitest';
import type { Harness } from '../harness.ts';
import { jsonOf } from '../test-client.ts';

export function describeHealth(harness: Harness) {
  describe(`${harness.dialect.name}: health`, () => {
    it('GET /healthz is 200 while the database answers', async () => {
      const response = await harness.main.app.request('/healthz');
      expect(response.status).toBe(200);
      expect(await jsonOf(response)).toEqual({ status: 'ok' });
    });

    it('GET /healthz is 503 once the database is gone', async () => {
      const opened = await harness.open();
      await opened.close();
      const response = await opened.app.request('/healthz');
      expect(response.status).toBe(503);
      expect(await jsonOf(response)).toEqual({ status: 'unavailable' });
    });
  });
}
