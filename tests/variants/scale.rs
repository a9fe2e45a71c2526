//! The scale shape of the throughput bench: one scope of 200 `GET /r{i}` routes, the same handler
//! body on each, served four ways, each in an app of its own: bare, each route under `#[cors]`,
//! the same `#[cors]` routes in an app wrapped in `outermost()`, and the bare routes in an app
//! wrapped in actix-cors with the same policy. actix-web's router tries a scope's routes one after
//! the other, so a request to the last route pays for the 199 before it: what CORS adds there
//! is the cost that grows with the number of routes.

use actix_web::{get, web, App, HttpResponse};
use cors_runtime::cors;

use crate::variants::{actix_cors, hello};

/// The scope of each app; every full path is `<scope>/r<i>`.
pub const BARE_SCOPE: &str = "/sb";
pub const CORS_SCOPE: &str = "/sc";
pub const OUTERMOST_SCOPE: &str = "/so";
pub const ACTIX_CORS_SCOPE: &str = "/sa";
pub const SCOPES: [&str; 4] = [BARE_SCOPE, CORS_SCOPE, OUTERMOST_SCOPE, ACTIX_CORS_SCOPE];

macro_rules! routes {
    ($($bare:ident $cors:ident $path:tt),* $(,)?) => {
        $(
            #[get($path)]
            async fn $bare() -> HttpResponse {
                hello()
            }

            #[cors(
                origins = ["https://app.example.com"],
                headers = ["Content-Type"],
                expose_headers = ["X-Request-Id"],
                max_age = 600
            )]
            #[get($path)]
            async fn $cors() -> HttpResponse {
                hello()
            }
        )*

        /// The 200 bare routes, in order.
        fn bare_routes(scope: actix_web::Scope) -> actix_web::Scope {
            scope$(.service($bare))*
        }

        /// The 200 `#[cors]` routes, in order.
        fn cors_routes(scope: actix_web::Scope) -> actix_web::Scope {
            scope$(.service($cors))*
        }
    };
}

routes!(
    bare_0 cors_0 "/r0",
    bare_1 cors_1 "/r1",
    bare_2 cors_2 "/r2",
    bare_3 cors_3 "/r3",
    bare_4 cors_4 "/r4",
    bare_5 cors_5 "/r5",
    bare_6 cors_6 "/r6",
    bare_7 cors_7 "/r7",
    bare_8 cors_8 "/r8",
    bare_9 cors_9 "/r9",
    bare_10 cors_10 "/r10",
    bare_11 cors_11 "/r11",
    bare_12 cors_12 "/r12",
    bare_13 cors_13 "/r13",
    bare_14 cors_14 "/r14",
    bare_15 cors_15 "/r15",
    bare_16 cors_16 "/r16",
    bare_17 cors_17 "/r17",
    bare_18 cors_18 "/r18",
    bare_19 cors_19 "/r19",
    bare_20 cors_20 "/r20",
    bare_21 cors_21 "/r21",
    bare_22 cors_22 "/r22",
    bare_23 cors_23 "/r23",
    bare_24 cors_24 "/r24",
    bare_25 cors_25 "/r25",
    bare_26 cors_26 "/r26",
    bare_27 cors_27 "/r27",
    bare_28 cors_28 "/r28",
    bare_29 cors_29 "/r29",
    bare_30 cors_30 "/r30",
    bare_31 cors_31 "/r31",
    bare_32 cors_32 "/r32",
    bare_33 cors_33 "/r33",
    bare_34 cors_34 "/r34",
    bare_35 cors_35 "/r35",
    bare_36 cors_36 "/r36",
    bare_37 cors_37 "/r37",
    bare_38 cors_38 "/r38",
    bare_39 cors_39 "/r39",
    bare_40 cors_40 "/r40",
    bare_41 cors_41 "/r41",
    bare_42 cors_42 "/r42",
    bare_43 cors_43 "/r43",
    bare_44 cors_44 "/r44",
    bare_45 cors_45 "/r45",
    bare_46 cors_46 "/r46",
    bare_47 cors_47 "/r47",
    bare_48 cors_48 "/r48",
    bare_49 cors_49 "/r49",
    bare_50 cors_50 "/r50",
    bare_51 cors_51 "/r51",
    bare_52 cors_52 "/r52",
    bare_53 cors_53 "/r53",
    bare_54 cors_54 "/r54",
    bare_55 cors_55 "/r55",
    bare_56 cors_56 "/r56",
    bare_57 cors_57 "/r57",
    bare_58 cors_58 "/r58",
    bare_59 cors_59 "/r59",
    bare_60 cors_60 "/r60",
    bare_61 cors_61 "/r61",
    bare_62 cors_62 "/r62",
    bare_63 cors_63 "/r63",
    bare_64 cors_64 "/r64",
    bare_65 cors_65 "/r65",
    bare_66 cors_66 "/r66",
    bare_67 cors_67 "/r67",
    bare_68 cors_68 "/r68",
    bare_69 cors_69 "/r69",
    bare_70 cors_70 "/r70",
    bare_71 cors_71 "/r71",
    bare_72 cors_72 "/r72",
    bare_73 cors_73 "/r73",
    bare_74 cors_74 "/r74",
    bare_75 cors_75 "/r75",
    bare_76 cors_76 "/r76",
    bare_77 cors_77 "/r77",
    bare_78 cors_78 "/r78",
    bare_79 cors_79 "/r79",
    bare_80 cors_80 "/r80",
    bare_81 cors_81 "/r81",
    bare_82 cors_82 "/r82",
    bare_83 cors_83 "/r83",
    bare_84 cors_84 "/r84",
    bare_85 cors_85 "/r85",
    bare_86 cors_86 "/r86",
    bare_87 cors_87 "/r87",
    bare_88 cors_88 "/r88",
    bare_89 cors_89 "/r89",
    bare_90 cors_90 "/r90",
    bare_91 cors_91 "/r91",
    bare_92 cors_92 "/r92",
    bare_93 cors_93 "/r93",
    bare_94 cors_94 "/r94",
    bare_95 cors_95 "/r95",
    bare_96 cors_96 "/r96",
    bare_97 cors_97 "/r97",
    bare_98 cors_98 "/r98",
    bare_99 cors_99 "/r99",
    bare_100 cors_100 "/r100",
    bare_101 cors_101 "/r101",
    bare_102 cors_102 "/r102",
    bare_103 cors_103 "/r103",
    bare_104 cors_104 "/r104",
    bare_105 cors_105 "/r105",
    bare_106 cors_106 "/r106",
    bare_107 cors_107 "/r107",
    bare_108 cors_108 "/r108",
    bare_109 cors_109 "/r109",
    bare_110 cors_110 "/r110",
    bare_111 cors_111 "/r111",
    bare_112 cors_112 "/r112",
    bare_113 cors_113 "/r113",
    bare_114 cors_114 "/r114",
    bare_115 cors_115 "/r115",
    bare_116 cors_116 "/r116",
    bare_117 cors_117 "/r117",
    bare_118 cors_118 "/r118",
    bare_119 cors_119 "/r119",
    bare_120 cors_120 "/r120",
    bare_121 cors_121 "/r121",
    bare_122 cors_122 "/r122",
    bare_123 cors_123 "/r123",
    bare_124 cors_124 "/r124",
    bare_125 cors_125 "/r125",
    bare_126 cors_126 "/r126",
    bare_127 cors_127 "/r127",
    bare_128 cors_128 "/r128",
    bare_129 cors_129 "/r129",
    bare_130 cors_130 "/r130",
    bare_131 cors_131 "/r131",
    bare_132 cors_132 "/r132",
    bare_133 cors_133 "/r133",
    bare_134 cors_134 "/r134",
    bare_135 cors_135 "/r135",
    bare_136 cors_136 "/r136",
    bare_137 cors_137 "/r137",
    bare_138 cors_138 "/r138",
    bare_139 cors_139 "/r139",
    bare_140 cors_140 "/r140",
    bare_141 cors_141 "/r141",
    bare_142 cors_142 "/r142",
    bare_143 cors_143 "/r143",
    bare_144 cors_144 "/r144",
    bare_145 cors_145 "/r145",
    bare_146 cors_146 "/r146",
    bare_147 cors_147 "/r147",
    bare_148 cors_148 "/r148",
    bare_149 cors_149 "/r149",
    bare_150 cors_150 "/r150",
    bare_151 cors_151 "/r151",
    bare_152 cors_152 "/r152",
    bare_153 cors_153 "/r153",
    bare_154 cors_154 "/r154",
    bare_155 cors_155 "/r155",
    bare_156 cors_156 "/r156",
    bare_157 cors_157 "/r157",
    bare_158 cors_158 "/r158",
    bare_159 cors_159 "/r159",
    bare_160 cors_160 "/r160",
    bare_161 cors_161 "/r161",
    bare_162 cors_162 "/r162",
    bare_163 cors_163 "/r163",
    bare_164 cors_164 "/r164",
    bare_165 cors_165 "/r165",
    bare_166 cors_166 "/r166",
    bare_167 cors_167 "/r167",
    bare_168 cors_168 "/r168",
    bare_169 cors_169 "/r169",
    bare_170 cors_170 "/r170",
    bare_171 cors_171 "/r171",
    bare_172 cors_172 "/r172",
    bare_173 cors_173 "/r173",
    bare_174 cors_174 "/r174",
    bare_175 cors_175 "/r175",
    bare_176 cors_176 "/r176",
    bare_177 cors_177 "/r177",
    bare_178 cors_178 "/r178",
    bare_179 cors_179 "/r179",
    bare_180 cors_180 "/r180",
    bare_181 cors_181 "/r181",
    bare_182 cors_182 "/r182",
    bare_183 cors_183 "/r183",
    bare_184 cors_184 "/r184",
    bare_185 cors_185 "/r185",
    bare_186 cors_186 "/r186",
    bare_187 cors_187 "/r187",
    bare_188 cors_188 "/r188",
    bare_189 cors_189 "/r189",
    bare_190 cors_190 "/r190",
    bare_191 cors_191 "/r191",
    bare_192 cors_192 "/r192",
    bare_193 cors_193 "/r193",
    bare_194 cors_194 "/r194",
    bare_195 cors_195 "/r195",
    bare_196 cors_196 "/r196",
    bare_197 cors_197 "/r197",
    bare_198 cors_198 "/r198",
    bare_199 cors_199 "/r199",
);

/// Binds the app of the scale variant under `scope` to a free loopback port, one worker.
pub fn server(scope: &str) -> std::io::Result<(std::net::SocketAddr, actix_web::dev::Server)> {
    // Each app has a type of its own, hence one `HttpServer` per arm.
    macro_rules! serve {
        ($app:expr) => {{
            let bound = actix_web::HttpServer::new(|| $app)
                .workers(1)
                .bind(("127.0.0.1", 0))?;
            Ok((bound.addrs()[0], bound.run()))
        }};
    }
    match scope {
        BARE_SCOPE => serve!(App::new().service(bare_routes(web::scope(BARE_SCOPE)))),
        CORS_SCOPE => serve!(App::new().service(cors_routes(web::scope(CORS_SCOPE)))),
        OUTERMOST_SCOPE => serve!(App::new()
            .service(cors_routes(web::scope(OUTERMOST_SCOPE)))
            .wrap(cors_runtime::outermost())),
        ACTIX_CORS_SCOPE => serve!(App::new()
            .service(bare_routes(web::scope(ACTIX_CORS_SCOPE)))
            .wrap(actix_cors())),
        _ => panic!("no scale variant is served at {scope}"),
    }
}
