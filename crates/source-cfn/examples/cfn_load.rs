//! Loads the templates named on the command line and prints a one-line summary of each
//! (`--dump` also prints every resource's resolved properties as JSON).

use nextgap_source_cfn::{load_path, Limits, Loaded};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dump = args.iter().any(|a| a == "--dump");
    for file in args.iter().filter(|a| *a != "--dump") {
        match load_path(std::path::Path::new(file), &Limits::default()) {
            Ok(Loaded::Template(model)) => {
                println!(
                    "{file}: template, {} resources, {} parameters",
                    model.resources.len(),
                    model.parameters.len()
                );
                if dump {
                    for r in &model.resources {
                        println!(
                            "  {} {} @{}:{} {}",
                            r.logical_id,
                            r.resource_type,
                            r.pos.line,
                            r.pos.column,
                            r.properties.to_json()
                        );
                    }
                }
            }
            Ok(Loaded::NotATemplate { reason }) => println!("{file}: not a template: {reason}"),
            Err(e) => println!("{e}"),
        }
    }
}
