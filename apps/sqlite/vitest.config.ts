import { defineAppTestConfig } from '@repo/testing/vitest-config';

export default defineAppTestConfig('sqlite');
