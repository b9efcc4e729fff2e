// Original file: proto/flotilla/node.proto


export interface ExecInTaskResponseInput {
  'exitCode'?: (number);
  'stdout'?: (string);
  'stderr'?: (string);
}

export interface ExecInTaskResponse {
  'exitCode': (number);
  'stdout': (string);
  'stderr': (string);
}
