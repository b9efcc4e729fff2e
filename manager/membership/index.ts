/**
 * The managers' membership, the room's door: the group of managers this manager knows
 * (`ManagerGroup`, with its `admission` of new managers into the Raft group), and the loop
 * that promotes and demotes nodes (`RoleManager`). Raft's own voter configuration stays in
 * manager/raft.
 */
export { ManagerGroup, type Route } from './manager-group.js';
export { RoleManager } from './role-changes.js';
