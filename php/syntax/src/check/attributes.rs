//! Attributes: argument lists (no unpacking, named after positional, constant
//! expressions), and the targets and repetition of PHP's built-in attributes.

use super::CResult;
use super::consts::ConstContext;
use super::walk::Walker;
use crate::ast::*;

impl<'a> Walker<'a> {
    pub(crate) fn attributes(
        &mut self,
        groups: &[AttributeGroup],
        target: &str,
        at: u32,
    ) -> CResult {
        let mut seen: Vec<String> = Vec::new();
        for g in groups {
            for a in &g.attrs {
                let full = self.names.resolve_class(&a.name);
                let lower_full = full.to_ascii_lowercase();
                if let Some(Args::List(args, _)) = &a.args {
                    for arg in args {
                        if arg.unpack {
                            return self.err(at, "Cannot use unpacking in attribute argument list");
                        }
                    }
                    let mut names: Vec<&[u8]> = Vec::new();
                    for arg in args {
                        if let Some(n) = &arg.name {
                            if names.contains(&&n.name[..]) {
                                return self
                                    .err(at, format!("Duplicate named parameter ${}", n.text()));
                            }
                            names.push(&n.name);
                        }
                    }
                    let mut named = false;
                    for arg in args {
                        if arg.name.is_some() {
                            named = true;
                        } else if named && !arg.unpack {
                            return self
                                .err(at, "Cannot use positional argument after named argument");
                        }
                    }
                    for arg in args {
                        let saved = self.const_line.replace(at);
                        let r = self.const_expr(arg.value, ConstContext::Constant);
                        self.const_line = saved;
                        r?;
                    }
                }
                if let Some(Args::FirstClassCallable(_)) = &a.args {
                    return self.err(at, "Cannot create Closure as attribute argument");
                }
                let allowed: Option<(&[&str], &str)> = match &lower_full[..] {
                    "attribute" => Some((&["class"], "class")),
                    "returntypewillchange" => Some((&["method"], "method")),
                    "allowdynamicproperties" => Some((&["class"], "class")),
                    "sensitiveparameter" => Some((&["parameter"], "parameter")),
                    _ => None,
                };
                if let Some((targets, list)) = allowed
                    && !targets.contains(&target)
                {
                    return self.err(
                        at,
                        format!(
                            "Attribute \"{full}\" cannot target {target} (allowed targets: {list})"
                        ),
                    );
                }
                if allowed.is_some() {
                    if seen.contains(&lower_full) {
                        return self.err(at, format!("Attribute \"{full}\" must not be repeated"));
                    }
                    seen.push(lower_full);
                }
            }
        }
        Ok(())
    }
}
