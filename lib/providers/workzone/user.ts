/** Data source `workzone_user`: fails the plan early and clearly when the user does not exist. */
import { DiagnosticError, type DataSourceDefinition } from '../plugin/types';
import type { WorkZoneClient } from './client';

export const userDataSource: DataSourceDefinition<WorkZoneClient> = {
  async read({ config, client }, ctx) {
    const initials = config.initials as string;
    const user = await client.getUser(initials);
    if (!user) {
      throw new DiagnosticError(
        `WorkZone has no user "${initials}"`,
        `Create the user in WorkZone (the CPR update module runs as CPRBATCHUSER, "Captia CPR batch afvikler"), or set \`user\` to the initials of an existing one.`,
        ['initials'],
      );
    }
    if (!user.active) ctx.warn(`WorkZone user "${initials}" is not active`, 'An OAuth client acting as an inactive user may get no access.', ['initials']);
    return { id: user.id, initials: user.initials, name: user.name, active: user.active };
  },
};
