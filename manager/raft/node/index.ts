/** A Raft group member at run time: the core driven by timers, disk and a transport. */
export { RaftNode, type RaftNodeOptions, type RaftNodeEvents, type StateMachine } from './raft-node.js';
export type { RaftMemberAddress } from './members.js';
export type { RaftTransport, RaftTransportHandler } from './transport.js';
