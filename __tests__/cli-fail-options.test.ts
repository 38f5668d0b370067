// The fail rule's options in the CLI take any case, as the action's inputs do (a first-contact
// review: `--severity-threshold HIGH` was refused, where the action's `severity-threshold: HIGH`
// is taken).
import { failOptions } from '../src/cli-options.js';
import { UsageError } from '../src/core/errors.js';

test('--fail-on and --severity-threshold in any case', () => {
  expect(failOptions({ 'fail-on': 'ANY', 'severity-threshold': 'HIGH' })).toEqual({
    failOn: 'any',
    threshold: 'high',
  });
  expect(failOptions({ 'fail-on': 'None', 'severity-threshold': 'Info' })).toEqual({
    failOn: 'none',
    threshold: 'info',
  });
  expect(failOptions({})).toEqual({ failOn: 'any', threshold: 'medium' });
});

test('a value that is none of them is refused as written', () => {
  expect(() => failOptions({ 'severity-threshold': 'Severe' })).toThrow(UsageError);
  expect(() => failOptions({ 'severity-threshold': 'Severe' })).toThrow(
    '--severity-threshold must be one of info, low, medium, high, critical, not "Severe"',
  );
  expect(() => failOptions({ 'fail-on': 'New' })).toThrow('--fail-on must be none or any, not "New"');
});
