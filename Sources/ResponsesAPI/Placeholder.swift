// ResponsesAPI
