// Original file: /work/main/proto/flotilla/dispatcher.proto


export interface UpdateTaskStatusResponseInput {
}

export interface UpdateTaskStatusResponse {
}
