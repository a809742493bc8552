//! `examples/video_input.rs`: a `VideoPopulation` reading a sequence of
//! image files, one frame per `grab_image`, drives a layer that follows
//! the brightest column of each frame.

#![cfg(feature = "image")]

#[allow(dead_code)]
#[path = "../examples/video_input.rs"]
mod video_input;

use annarchy::prelude::*;
use approx::assert_relative_eq;
use video_input::{Frames, HEIGHT, WIDTH, most_active, run, write_moving_bar};

/// The layer's most active neuron follows the bar, frame after frame, and
/// its rates approach the columns' levels as a leaky integrator does.
#[test]
fn the_layer_follows_the_moving_bar() {
    let dir = std::env::temp_dir().join(format!("annarchy-video-test-{}", std::process::id()));
    let paths = write_moving_bar(&dir).unwrap();
    assert_eq!(paths.len(), WIDTH);
    let frames = FrameSequence::from_paths(paths).unwrap();
    let rates = run(Frames::Files(frames), WIDTH).unwrap();
    assert_eq!(rates.len(), WIDTH);
    for (k, r) in rates.iter().enumerate() {
        assert_eq!(r.len(), WIDTH);
        assert_eq!(most_active(r), k, "frame {k}: {r:?}");
    }
    // The first frame: every column starts at 0 and tends to its mean level
    // (each of the HEIGHT pixels weighs 1 / HEIGHT) with tau = 10 ms,
    // integrated exactly (LeakyIntegrator's `exponential` method) for 30 ms.
    let settle = |level: f64| level * (1.0 - (-30.0f64 / 10.0).exp());
    assert_relative_eq!(rates[0][0], settle(235.0 / 255.0), max_relative = 1e-9);
    assert_relative_eq!(rates[0][5], settle(20.0 / 255.0), max_relative = 1e-9);
    assert_eq!(HEIGHT, 8);
    // The sequence holds as many frames as the run grabbed: one more fails.
    let frames = FrameSequence::from_folder(&dir).unwrap();
    let more = run(Frames::Files(frames), WIDTH + 1).unwrap_err();
    assert!(
        more.to_string().contains("ended after its 16 frames"),
        "{more}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A camera that does not exist is an error naming the device.
#[test]
fn a_missing_camera_is_an_error() {
    let e = run(Frames::Camera(9998), 1).unwrap_err();
    assert!(e.to_string().contains("/dev/video9998"), "{e}");
}
