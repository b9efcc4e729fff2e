// Original file: proto/flotilla/types.proto

export const PortProtocol = {
  TCP: 'TCP',
  UDP: 'UDP',
} as const;

export type PortProtocolInput =
  | 'TCP'
  | 0
  | 'UDP'
  | 1

export type PortProtocol = typeof PortProtocol[keyof typeof PortProtocol]
