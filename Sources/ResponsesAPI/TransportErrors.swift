import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

/// Maps an HTTP client or NIO failure to the typed case a person can act on.
func classifyTransportError(_ error: any Error) -> ResponsesAPIError {
    switch error {
    case let error as ResponsesAPIError:
        return error
    case let error as HTTPClientError:
        return classify(error)
    case let error as NIOConnectionError:
        if let dns = error.dnsAError ?? error.dnsAAAAError {
            return .connectionFailed("cannot resolve '\(error.host)': \(dns)")
        }
        let causes = error.connectionErrors.map { describe($0.error) }
        let detail = causes.isEmpty ? "no address answered" : Set(causes).sorted().joined(separator: "; ")
        return .connectionFailed("\(error.host):\(error.port): \(detail)")
    case let error as IOError:
        return .connectionFailed(describe(error))
    case ChannelError.connectTimeout:
        return .timeout
    case is ChannelError:
        return .connectionFailed("\(error)")
    default:
        // NIOSSL is not a direct dependency, so its errors are recognised by type name.
        let typeName = String(reflecting: type(of: error))
        if typeName.contains("SSL") || typeName.contains("TLS") {
            return .tls("\(error)")
        }
        return .connectionFailed("\(error)")
    }
}

/// Whether a transport failure happened before the request could reach a server: no connection was made
/// (refused, unresolvable host, connect timeout) or the request could not even be written. Only then is
/// repeating a POST known not to create a second response.
func failedBeforeSending(_ error: any Error) -> Bool {
    switch error {
    case is NIOConnectionError: return true
    case let error as IOError: return error.errnoCode == ECONNREFUSED
    case ChannelError.connectTimeout: return true
    case let error as HTTPClientError:
        return [.connectTimeout, .invalidURL, .emptyHost, .emptyScheme, .getConnectionFromPoolTimeout].contains(error)
            || "\(error)".hasPrefix("HTTPClientError.invalidHeaderField")
    default: return false
    }
}

private func classify(_ error: HTTPClientError) -> ResponsesAPIError {
    switch error {
    case .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .getConnectionFromPoolTimeout:
        return .timeout
    case .tlsHandshakeTimeout:
        return .tls("the TLS handshake timed out")
    case .remoteConnectionClosed:
        return .connectionFailed("the server closed the connection")
    case .invalidURL, .emptyHost, .emptyScheme:
        return .connectionFailed("invalid base URL (\(error))")
    default:
        return .connectionFailed("\(error)")
    }
}

private func describe(_ error: any Error) -> String {
    if let io = error as? IOError, io.errnoCode == ECONNREFUSED { return "connection refused" }
    return "\(error)"
}
