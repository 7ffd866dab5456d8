/** Data source `workzone_user`: fails the plan early and clearly when the user does not exist. */
import { workzoneSchema } from '../../schemas/workzone';
import { DiagnosticError, type DataSourceDefinition } from '../plugin/types';
import type { WorkZoneClient } from './client';
import { pick } from '../pick';
import { reportedOf } from './entity';
import { USER_WIRE } from './wire';

const block = workzoneSchema.dataSources.workzone_user;
/** What the data source takes from WorkZone's answer: the table's properties that are its attributes. */
const REPORTED = reportedOf(USER_WIRE, block);

export const userDataSource: DataSourceDefinition<WorkZoneClient, typeof block> = {
  async read({ config, client }, ctx) {
    const initials = config.initials;
    const user = await client.getUser(initials);
    if (!user) {
      throw new DiagnosticError(
        `WorkZone has no user "${initials}"`,
        `Create the user in WorkZone (the CPR update module runs as CPRBATCHUSER, "Captia CPR batch afvikler"), or set \`user\` to the initials of an existing one.`,
        ['initials'],
      );
    }
    if (!user.active) ctx.warn(`WorkZone user "${initials}" is not active`, 'An OAuth client acting as an inactive user may get no access.', ['initials']);
    return pick(user, REPORTED);
  },
};
