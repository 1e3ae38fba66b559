/**
 * People (SPEC §16): signing in and out in the header, a person's own API keys, and the audit for admins.
 *
 * The front door of src/ui/people: other features import it from here (`@/ui/people`) only.
 */
export { AccountMenu } from './account-menu';
