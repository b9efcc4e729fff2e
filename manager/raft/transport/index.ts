export { GrpcRaftTransport, type GrpcRaftTransportOptions } from './grpc-transport.js';
