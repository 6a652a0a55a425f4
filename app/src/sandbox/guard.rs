//! The sandboxes' control endpoints (faults, reset, clock) answer only callers on this machine:
//! the sandboxes are a demo, not an open door, even when the service listens more widely.

use actix_web::{
    Error, HttpResponse,
    body::{EitherBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    middleware::Next,
};

/// Whether a path is one of the sandboxes' control endpoints.
pub fn is_control_path(path: &str) -> bool {
    path.starts_with("/sandbox/") && path.split('/').any(|s| s.eq_ignore_ascii_case("_control"))
}

/// Refuses a control request from anywhere but loopback with 403.
pub async fn control_from_this_machine_only(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let local = req.peer_addr().is_some_and(|a| a.ip().is_loopback());
    if local || !is_control_path(req.path()) {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    }
    tracing::warn!(path = req.path(), peer = ?req.peer_addr(), "sandbox control refused: not from this machine");
    let response = HttpResponse::Forbidden()
        .content_type("application/json")
        .body(r#"{"errors":["The sandbox control endpoints answer only requests from this machine."]}"#);
    Ok(req.into_response(response).map_into_right_body())
}

#[cfg(test)]
mod tests {
    use actix_web::{App, HttpResponse, middleware::from_fn, test as actix_test, web};

    use super::*;

    async fn answer_for(peer: &str, path: &str) -> u16 {
        let app = actix_test::init_service(
            App::new()
                .wrap(from_fn(control_from_this_machine_only))
                .default_service(web::to(|| async { HttpResponse::Ok().finish() })),
        )
        .await;
        let request = actix_test::TestRequest::post()
            .uri(path)
            .peer_addr(peer.parse().unwrap())
            .to_request();
        actix_test::call_service(&app, request)
            .await
            .status()
            .as_u16()
    }

    #[actix_web::test]
    async fn control_requests_from_another_machine_are_refused_and_everything_else_passes() {
        assert_eq!(
            answer_for("10.1.2.3:40000", "/sandbox/autotask/_control").await,
            403
        );
        assert_eq!(
            answer_for("[2001:db8::7]:40000", "/sandbox/marketplace/_control").await,
            403
        );
        assert_eq!(
            answer_for("127.0.0.1:40000", "/sandbox/autotask/_control").await,
            200
        );
        assert_eq!(
            answer_for("[::1]:40000", "/sandbox/autotask/_control/reset").await,
            200
        );
        assert_eq!(
            answer_for(
                "10.1.2.3:40000",
                "/sandbox/autotask/atservicesrest/v1.0/Companies/query"
            )
            .await,
            200,
            "the emulated API itself answers anyone who may reach the service"
        );
    }

    #[test]
    fn control_paths_of_both_sandboxes_are_recognised_and_api_paths_are_not() {
        assert!(is_control_path("/sandbox/autotask/_control"));
        assert!(is_control_path("/sandbox/autotask/_control/reset"));
        assert!(is_control_path("/sandbox/marketplace/_CONTROL"));
        assert!(!is_control_path(
            "/sandbox/autotask/atservicesrest/v1.0/Companies/query"
        ));
        assert!(!is_control_path("/settings/_control"));
    }
}
