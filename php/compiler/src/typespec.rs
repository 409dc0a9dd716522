//! [`TypeSpec`]: the compiled form of a type declaration (of a parameter, a return or a
//! property), and how PHP prints it in messages.

/// A declared type (`int`, `?A`, `A|B|null`, `A&B`): the built-in types it allows as bits,
/// and its class types.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TypeSpec {
    /// The built-in types (`TypeSpec::INT`...).
    pub mask: u16,
    /// The class types by name (resolved against the namespace; `self` and `parent` as
    /// written), each an intersection of classes (one name for a plain class type).
    pub classes: Vec<Vec<Box<[u8]>>>,
}

impl TypeSpec {
    /// `int`
    pub const INT: u16 = 1;
    /// `float`
    pub const FLOAT: u16 = 2;
    /// `string`
    pub const STRING: u16 = 4;
    /// `false`
    pub const FALSE: u16 = 8;
    /// `true`
    pub const TRUE: u16 = 16;
    /// `bool`
    pub const BOOL: u16 = Self::FALSE | Self::TRUE;
    /// `null`
    pub const NULL: u16 = 32;
    /// `array`
    pub const ARRAY: u16 = 64;
    /// `object`
    pub const OBJECT: u16 = 128;
    /// `callable`
    pub const CALLABLE: u16 = 256;
    /// `static`
    pub const STATIC: u16 = 512;
    /// `void`
    pub const VOID: u16 = 1024;
    /// `never`
    pub const NEVER: u16 = 2048;
    /// Resources (only `mixed` allows them).
    pub const RESOURCE: u16 = 4096;
    /// `mixed`
    pub const MIXED: u16 = Self::INT
        | Self::FLOAT
        | Self::STRING
        | Self::BOOL
        | Self::NULL
        | Self::ARRAY
        | Self::OBJECT
        | Self::RESOURCE;

    /// The type as PHP prints it: classes first, then the built-in types in PHP's order
    /// (`?T` for one type and `null`); `resolve` gives the names of classes (`self`,
    /// `parent` and `static` included, as the caller wants them shown).
    pub fn display(&self, resolve: impl Fn(&[u8]) -> Vec<u8>) -> String {
        if self.mask & Self::MIXED == Self::MIXED {
            return "mixed".into();
        }
        let mut parts: Vec<String> = Vec::new();
        let many = self.classes.len() > 1 || self.mask & !Self::NULL != 0;
        for names in &self.classes {
            let list: Vec<String> = names
                .iter()
                .map(|n| String::from_utf8_lossy(&resolve(n)).into_owned())
                .collect();
            if list.len() > 1 && many {
                parts.push(format!("({})", list.join("&")));
            } else {
                parts.push(list.join("&"));
            }
        }
        let m = self.mask;
        if m & Self::STATIC != 0 {
            parts.push(String::from_utf8_lossy(&resolve(b"static")).into_owned());
        }
        for (bit, word) in [
            (Self::CALLABLE, "callable"),
            (Self::OBJECT, "object"),
            (Self::ARRAY, "array"),
            (Self::STRING, "string"),
            (Self::INT, "int"),
            (Self::FLOAT, "float"),
        ] {
            if m & bit != 0 {
                parts.push(word.into());
            }
        }
        if m & Self::BOOL == Self::BOOL {
            parts.push("bool".into());
        } else if m & Self::FALSE != 0 {
            parts.push("false".into());
        } else if m & Self::TRUE != 0 {
            parts.push("true".into());
        }
        if m & Self::VOID != 0 {
            parts.push("void".into());
        }
        if m & Self::NEVER != 0 {
            parts.push("never".into());
        }
        if m & Self::NULL != 0 {
            if parts.len() == 1 && !parts[0].contains('&') {
                return format!("?{}", parts[0]);
            }
            parts.push("null".into());
        }
        parts.join("|")
    }
}
