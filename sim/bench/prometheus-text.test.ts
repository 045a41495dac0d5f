import { expect, it } from 'vitest';
import { parsePrometheus, sampleValue } from './prometheus-text.js';

it('parses names, labels and values of the exposition format', () => {
  const samples = parsePrometheus(
    [
      '# HELP game_rooms Rooms',
      '# TYPE game_rooms gauge',
      'game_rooms 3',
      'game_tick_duration_recent_seconds{quantile="0.99"} 0.0042',
      'game_bytes_sent_total{kind="message"} 1.5e6',
      'nodejs_eventloop_lag_p99_seconds NaN',
    ].join('\n'),
  );
  expect(sampleValue(samples, 'game_rooms')).toBe(3);
  expect(sampleValue(samples, 'game_tick_duration_recent_seconds', { quantile: '0.99' })).toBe(0.0042);
  expect(sampleValue(samples, 'game_bytes_sent_total', { kind: 'message' })).toBe(1_500_000);
  expect(Number.isNaN(sampleValue(samples, 'nodejs_eventloop_lag_p99_seconds'))).toBe(true);
  expect(samples).toHaveLength(4);
});
