import { describe, expect, it } from 'vitest';
import { type Interval, mergeIntervals, subtractIntervals } from './intervals.js';

const iv = (start: number, end: number): Interval => ({ start, end });

describe('mergeIntervals', () => {
  it.each([
    [[], []],
    [[iv(5, 6), iv(1, 2)], [iv(1, 2), iv(5, 6)]],
    [[iv(1, 3), iv(2, 4)], [iv(1, 4)]],
    [[iv(1, 2), iv(2, 3)], [iv(1, 3)]], // touching
    [[iv(1, 10), iv(2, 3)], [iv(1, 10)]], // contained
    [[iv(3, 3), iv(5, 4)], []], // empty and reversed are dropped
  ])('%j -> %j', (input, expected) => {
    expect(mergeIntervals(input)).toEqual(expected);
  });
});

describe('subtractIntervals', () => {
  it.each([
    [iv(0, 10), [], [iv(0, 10)]],
    [iv(0, 10), [iv(2, 3), iv(5, 7)], [iv(0, 2), iv(3, 5), iv(7, 10)]],
    [iv(0, 10), [iv(-5, 1), iv(9, 20)], [iv(1, 9)]],
    [iv(0, 10), [iv(-5, 20)], []],
    [iv(0, 10), [iv(-5, -1), iv(10, 12)], [iv(0, 10)]], // holes ending at the start or starting at the end
  ])('%j minus %j -> %j', (interval, holes, expected) => {
    expect(subtractIntervals(interval, holes)).toEqual(expected);
  });
});
