// Original file: proto/flotilla/node.proto


export interface ExecInTaskRequestInput {
  'taskId'?: (string);
  'cmd'?: (string)[];
}

export interface ExecInTaskRequest {
  'taskId': (string);
  'cmd': (string)[];
}
