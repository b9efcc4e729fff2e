// Original file: proto/flotilla/dispatcher.proto


export interface UpdateTaskStatusResponseInput {
}

export interface UpdateTaskStatusResponse {
}
