import type { AedesOptions } from 'aedes';
import { forwardAllowed } from '../acl.ts';
import type { Principals } from '../principal.ts';

export type AuthorizeForwardHandler = NonNullable<AedesOptions['authorizeForward']>;

/**
 * Second line behind the subscribe ACL: a device never receives a message outside its own
 * prefix, including retained messages and messages queued in a persistent session that was
 * created under the same client id by someone else.
 */
export function createAuthorizeForward(principals: Principals): AuthorizeForwardHandler {
  return (client, packet) => {
    const principal = principals.get(client);
    return principal && forwardAllowed(principal, packet.topic) ? packet : null;
  };
}
