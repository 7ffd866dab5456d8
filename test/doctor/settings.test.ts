/** The doctor's `--module`: the batch user to check is the module's, unless `--user` names another. */
import { DoctorUsageError, doctorSettings } from '../../lib/doctor';

const env = { WORKZONE_URL: 'https://wz.example.dk', WORKZONE_USERNAME: 'wzadmin', WORKZONE_PASSWORD: 'Admin-Password-1' };

test('the user is the module\'s batch user: CPR by default, CVR with --module cvr; --user overrides either', () => {
  expect(doctorSettings({}, env).workzone.user).toBe('CPRBATCHUSER');
  expect(doctorSettings({ module: 'cvr' }, env).workzone.user).toBe('CVRBATCHUSER');
  expect(doctorSettings({ module: 'cpr' }, env).workzone.user).toBe('CPRBATCHUSER');
  expect(doctorSettings({ module: 'cvr', user: 'OTHERUSER' }, env).workzone.user).toBe('OTHERUSER');
});

test('an unknown module is refused, naming the flag and the modules', () => {
  expect(() => doctorSettings({ module: 'cpx' }, env)).toThrow(DoctorUsageError);
  expect(() => doctorSettings({ module: 'cpx' }, env)).toThrow('--module: must be one of "cpr", "cvr" (got "cpx")');
});
