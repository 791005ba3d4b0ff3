//! The crate's module tree: `lib.rs` with `Client`, then service → version → resource
//! modules, each a small struct that hands out the next level.

use std::collections::BTreeMap;

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use rayon::prelude::*;

use super::EmitError;
use super::docs::{doc_attrs, inner_doc_attrs, own_inner_doc_attrs};
use super::endpoint;
use super::facts::{Names, handle_name, is_download, resource_of};
use super::files::{GeneratedFile, rust_file};
use super::models;
use super::naming::{camel, feature, ident, module_file, snake, unraw};
use super::type_facts::{self, ServiceTypes};
use crate::spec::Spec;

/// service → version → resource → endpoints, sorted by name.
type Tree<'a> = BTreeMap<&'a str, BTreeMap<&'a str, BTreeMap<&'a str, Vec<&'a Spec>>>>;

fn tree(specs: &[Spec]) -> Tree<'_> {
    let mut tree = Tree::new();
    for spec in specs {
        let mut parts = spec.id.split('.');
        let service = parts.next().unwrap_or("api");
        let version = parts.next().unwrap_or("unversioned");
        tree.entry(service)
            .or_default()
            .entry(version)
            .or_default()
            .entry(resource_of(spec))
            .or_default()
            .push(spec);
    }
    for versions in tree.values_mut() {
        for resources in versions.values_mut() {
            for endpoints in resources.values_mut() {
                endpoints.sort_by(|a, b| a.id.cmp(&b.id));
            }
        }
    }
    tree
}

/// The `Name<'a>` struct of one level, with `new` and the accessors of the level below.
fn level_struct(name: &Ident, doc: &str, children: &[Child]) -> TokenStream {
    let doc = doc_attrs(doc);
    let accessors = children.iter().map(|(module, ty, doc)| {
        let doc = doc_attrs(doc);
        quote! {
            #doc
            pub fn #module(&self) -> #module::#ty<'a> {
                #module::#ty::new(self.core)
            }
        }
    });
    quote! {
        #doc
        #[derive(Clone, Copy, Debug)]
        pub struct #name<'a> {
            core: &'a feishu_runtime::Client,
        }

        impl<'a> #name<'a> {
            pub(crate) fn new(core: &'a feishu_runtime::Client) -> Self {
                Self { core }
            }

            #( #accessors )*
        }
    }
}

/// One level's child: its module, its struct and the accessor's doc.
type Child = (Ident, Ident, String);

/// Every file under `src/`: the module tree, each service's shared types, and each
/// resource's endpoints.
pub fn source_files(specs: &[Spec], crate_name: &str) -> Result<Vec<GeneratedFile>, EmitError> {
    let tree = tree(specs);
    let shared = service_types(&tree)?;
    // Each service's `models.rs` (the largest files) is built beside the resources.
    let (models, built) = rayon::join(
        || models_files(&shared),
        || all_resource_files(&tree, &shared),
    );
    let mut models = models?;
    let mut files = Vec::new();
    for result in built {
        files.extend(result?);
    }
    let mut services = Vec::new();
    for (service, versions) in &tree {
        let models = models.remove(service).flatten();
        services.push(service_files(service, versions, models, &mut files)?);
    }
    files.extend(lib_files(&services, specs.len(), crate_name)?);
    Ok(files)
}

/// Each service's type facts (the one type-facts pass), decided before any file is
/// written.
fn service_types<'a>(tree: &Tree<'a>) -> Result<BTreeMap<&'a str, ServiceTypes>, EmitError> {
    let services: Vec<_> = tree.iter().collect();
    services
        .par_iter()
        .map(|(service, versions)| {
            let specs: Vec<&Spec> = versions
                .values()
                .flat_map(|resources| resources.values().flatten().copied())
                .collect();
            Ok((**service, type_facts::of_service(&specs, service)?))
        })
        .collect()
}

fn models_files<'a>(
    shared: &BTreeMap<&'a str, ServiceTypes>,
) -> Result<BTreeMap<&'a str, Option<GeneratedFile>>, EmitError> {
    shared
        .par_iter()
        .map(|(service, shared)| Ok((*service, models_file(service, shared)?)))
        .collect()
}

/// Every resource's files, built and formatted in parallel (token streams cannot cross
/// threads, so each task makes its own).
fn all_resource_files(
    tree: &Tree,
    shared: &BTreeMap<&str, ServiceTypes>,
) -> Vec<Result<Vec<GeneratedFile>, EmitError>> {
    let resources: Vec<(&str, &str, &str, &Vec<&Spec>)> = tree
        .iter()
        .flat_map(|(service, versions)| {
            versions.iter().flat_map(move |(version, resources)| {
                resources
                    .iter()
                    .map(move |(resource, endpoints)| (*service, *version, *resource, endpoints))
            })
        })
        .collect();
    resources
        .par_iter()
        .map(|(service, version, resource, endpoints)| {
            let dir = format!(
                "src/{}/{}/{}",
                module_file(service),
                module_file(version),
                module_file(resource)
            );
            let place = Resource {
                dir: &dir,
                service,
                version,
                resource,
            };
            resource_files(&place, endpoints, &shared[service])
        })
        .collect()
}

/// A service's `mod.rs` and each of its versions' (added to `files`), and the service's
/// entry for `Client`.
fn service_files(
    service: &str,
    versions: &BTreeMap<&str, BTreeMap<&str, Vec<&Spec>>>,
    models: Option<GeneratedFile>,
    files: &mut Vec<GeneratedFile>,
) -> Result<Child, EmitError> {
    let service_mod = ident(&snake(service));
    let service_ty = format_ident!("{}", camel(service));
    let mut version_children = Vec::new();
    for (version, resources) in versions {
        let resource_children: Vec<Child> = resources
            .keys()
            .map(|resource| {
                (
                    ident(&snake(resource)),
                    format_ident!("{}", handle_name(resource)),
                    format!("The `{resource}` resource."),
                )
            })
            .collect();
        let doc = format!("Version `{version}` of the `{service}` service.");
        let version_ty = format_ident!("{}", camel(version));
        let path = format!(
            "src/{}/{}/mod.rs",
            module_file(service),
            module_file(version)
        );
        let origin = format!("the `{service}.{version}` pages");
        files.push(level_file(
            &path,
            &origin,
            &doc,
            &version_ty,
            None,
            &resource_children,
        )?);
        version_children.push((
            ident(&snake(version)),
            version_ty,
            format!("Version `{version}`."),
        ));
    }
    let doc = format!("The `{service}` service.");
    let models_mod = models.is_some().then(|| quote! { pub mod models; });
    files.extend(models);
    let path = format!("src/{}/mod.rs", module_file(service));
    let origin = format!("the `{service}` pages");
    files.push(level_file(
        &path,
        &origin,
        &doc,
        &service_ty,
        models_mod,
        &version_children,
    )?);
    Ok((service_mod, service_ty, format!("The `{service}` service.")))
}

/// The `mod.rs` of a service or version: its docs, its modules and its [`level_struct`].
fn level_file(
    path: &str,
    origin: &str,
    doc: &str,
    ty: &Ident,
    models_mod: Option<TokenStream>,
    children: &[Child],
) -> Result<GeneratedFile, EmitError> {
    let mods = children.iter().map(|(m, _, _)| m);
    let body = level_struct(ty, doc, children);
    let module_doc = inner_doc_attrs(doc);
    let tokens = quote! { #module_doc #models_mod #( pub mod #mods; )* #body };
    rust_file(path, origin, tokens)
}

/// `src/<service>/models.rs`, when the service has shared types.
fn models_file(service: &str, types: &ServiceTypes) -> Result<Option<GeneratedFile>, EmitError> {
    let Some(models) = models::models_items(types, service) else {
        return Ok(None);
    };
    let path = format!("src/{}/models.rs", module_file(service));
    rust_file(&path, &format!("the `{service}` pages"), models).map(Some)
}

/// Where one resource's files go, and what it belongs to.
struct Resource<'a> {
    dir: &'a str,
    service: &'a str,
    version: &'a str,
    resource: &'a str,
}

/// One file per endpoint of a resource, and its `mod.rs` with the resource struct.
fn resource_files(
    place: &Resource,
    endpoints: &[&Spec],
    types: &ServiceTypes,
) -> Result<Vec<GeneratedFile>, EmitError> {
    let Resource {
        dir,
        service,
        version,
        resource,
    } = *place;
    let resource_ty = format_ident!("{}", handle_name(resource));
    let mut files = Vec::new();
    let mut mods = Vec::new();
    let mut reexports = Vec::new();
    let mut methods = Vec::new();
    for spec in endpoints {
        let names = Names::of(spec);
        let file_name = unraw(&names.module);
        files.push(rust_file(
            &format!("{dir}/{file_name}.rs"),
            &spec.source,
            endpoint::module(spec, types.endpoint(&spec.id))?,
        )?);
        let (module, request, response) = (&names.module, &names.request, &names.response);
        let body = spec.request.as_ref().map(|_| &names.body);
        let response = (!is_download(spec)).then_some(response);
        let items = [Some(request), body, response].into_iter().flatten();
        reexports.push(quote! { pub use #module::{#( #items ),*}; });
        mods.push(module.clone());
        methods.push(endpoint::client_method(spec));
    }
    let doc = format!("The `{resource}` resource of `{service}` `{version}`.");
    let module_doc = inner_doc_attrs(&doc);
    let struct_doc = doc_attrs(&format!("Calls on the `{resource}` resource."));
    let tokens = quote! {
        #module_doc
        #( pub mod #mods; )*
        #( #reexports )*

        #struct_doc
        #[derive(Clone, Copy, Debug)]
        pub struct #resource_ty<'a> {
            core: &'a feishu_runtime::Client,
        }

        impl<'a> #resource_ty<'a> {
            pub(crate) fn new(core: &'a feishu_runtime::Client) -> Self {
                Self { core }
            }

            #( #methods )*
        }
    };
    files.push(rust_file(
        &format!("{dir}/mod.rs"),
        &format!("the `{service}.{version}.{resource}` pages"),
        tokens,
    )?);
    Ok(files)
}

/// `lib.rs` declares the modules; `client.rs` holds [`Client`]. Generated modules are
/// marked `#[rustfmt::skip]`: prettyplease formats them, and `cargo fmt` on the workspace
/// must not fight it.
fn lib_files(
    services: &[Child],
    page_count: usize,
    crate_name: &str,
) -> Result<Vec<GeneratedFile>, EmitError> {
    let origin = format!("{page_count} documentation page(s)");
    let doc = own_inner_doc_attrs(&LIB_DOC.replace("feishu_api", &crate_name.replace('-', "_")));
    let mods = services.iter().map(|(m, _, _)| m);
    let features: Vec<String> = services
        .iter()
        .map(|(m, _, _)| feature(&unraw(m)))
        .collect();
    let lib = quote! {
        #doc
        #![forbid(unsafe_code)]

        pub use feishu_runtime as runtime;
        pub use feishu_runtime::{Error, Result};

        #[rustfmt::skip]
        mod client;
        pub use client::Client;

        #( #[cfg(feature = #features)] #[rustfmt::skip] pub mod #mods; )*
    };
    let client = client_items(services, &features);
    Ok(vec![
        rust_file("src/lib.rs", &origin, lib)?,
        rust_file("src/client.rs", &origin, client)?,
    ])
}

/// `client.rs`: `Client` with one accessor per service, each behind its feature.
fn client_items(services: &[Child], features: &[String]) -> TokenStream {
    let accessors = services
        .iter()
        .zip(features)
        .map(|((module, ty, doc), feature)| {
            let doc = doc_attrs(&format!("{doc}\n\nNeeds the `{feature}` feature."));
            quote! {
                #doc
                #[cfg(feature = #feature)]
                pub fn #module(&self) -> crate::#module::#ty<'_> {
                    crate::#module::#ty::new(&self.core)
                }
            }
        });
    quote! {
        //! [`Client`], the entry point to every service.

        /// The API client: `client.<service>().<version>().<resource>().<method>(request)`.
        ///
        /// Wraps a [`runtime::Client`](crate::runtime::Client), which holds the base URL, credentials and
        /// connection pool; clones are cheap and share them.
        #[derive(Clone, Debug)]
        pub struct Client {
            core: feishu_runtime::Client,
        }

        impl Client {
            pub fn new(core: feishu_runtime::Client) -> Self {
                Client { core }
            }

            /// The runtime client underneath: tokens, app tickets, raw calls.
            pub fn core(&self) -> &feishu_runtime::Client {
                &self.core
            }

            /// A handle whose calls all carry `options` (user token, tenant key, headers,
            /// timeout, request id, retry policy); it shares connections and token caches.
            pub fn with_options(&self, options: feishu_runtime::RequestOptions) -> Client {
                Client::new(self.core.with_options(options))
            }

            /// Calls on a user's behalf: endpoints that accept a user_access_token get `token`.
            pub fn with_user_access_token(&self, token: impl Into<feishu_runtime::Secret>) -> Client {
                Client::new(self.core.with_user_access_token(token))
            }

            /// Calls for one tenant of a marketplace app.
            pub fn with_tenant_key(&self, tenant_key: impl Into<String>) -> Client {
                Client::new(self.core.with_tenant_key(tenant_key))
            }

            #( #accessors )*
        }

        impl From<feishu_runtime::Client> for Client {
            fn from(core: feishu_runtime::Client) -> Self {
                Client::new(core)
            }
        }
    }
}

const LIB_DOC: &str =
    "Feishu / Lark Open Platform API client, generated by feishu-codegen from the API
documentation pages. Every endpoint has a request type with a builder, typed body and
response structs, its documented error codes, and a method on [`Client`].

The client methods, the requests' wire descriptions, the checks and the conversions are
`#[inline]`: this crate compiles no machine code for an endpoint until a crate that calls
it does, so enabling many services costs a release build little more than `cargo check`.

```no_run
# async fn run() -> feishu_api::Result<()> {
use feishu_api::{Client, runtime};

let core = runtime::Client::builder()
    .app_credentials(\"cli_a1b2c3\", \"app secret\")
    .build()?;
let client = Client::new(core);
# let _ = client;
# Ok(())
# }
```";
