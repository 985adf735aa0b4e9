//! `names!`: declares a closed set of API and database names as an enum, so each name
//! is written once: serde, `as_str`, `parse`, `ALL` and `Display` all come from it.

/// Declares `pub enum $name` whose variants are spelled `$text` in JSON and SQL (the
/// app's own closed sets use it too; the crate using it depends on `serde`).
#[macro_export]
macro_rules! names {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The API and database name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// Parses the API and database name.
            pub fn parse(name: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == name)
            }

            /// The names, joined with `sep` (for error messages).
            pub fn names(sep: &str) -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(sep)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
