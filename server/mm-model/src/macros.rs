/// Declares a model struct with its JSON derive and, with feature `gob`, its gob derive.
/// Missing JSON keys take their default, as Go's decoder leaves absent fields at zero.
macro_rules! model {
    ($(#[$meta:meta])* pub struct $name:ident { $($body:tt)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "gob", derive(gobwire::Gob))]
        #[serde(default)]
        pub struct $name { $($body)* }
    };
}
