import { describe, expect, it } from 'vitest';
import { textTable } from './table.js';

describe('textTable', () => {
  it('sizes columns to the widest cell', () => {
    expect(textTable(['a', 'bb'], [['xxx', 'y'], ['z', 'w']])).toBe('a    bb\n---  --\nxxx  y\nz    w\n');
  });

  it('renders 300,000 rows (plan --output text --limit 0 on a 100k-tenant fleet)', () => {
    const rows = Array.from({ length: 300_000 }, (_, i) => [`t${i}`, 'core']);
    const text = textTable(['tenant', 'package'], rows);
    expect(text.split('\n')).toHaveLength(300_003);
    expect(text.startsWith('tenant   package\n')).toBe(true);
  });
});
