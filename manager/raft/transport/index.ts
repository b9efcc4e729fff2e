export { GrpcRaftTransport, type GrpcRaftTransportOptions } from './grpc-transport.js';
export { messageFromWire, messageToWire } from './codec.js';
