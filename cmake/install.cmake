# cmake/install.cmake: what `cmake --install` puts under the prefix.
#   include/mxm/*.h                  the public API
#   lib/libmxm.so.MAJOR.MINOR.PATCH  the shared library (soname libmxm.so.MAJOR), public API only
#   lib/libmxm.a                     the static library
#   lib/cmake/mxm/                   find_package(mxm CONFIG): mxm::mxm (shared, or static when
#                                    there is no shared one) and mxm::mxm_static
#   lib/pkgconfig/mxm.pc             pkg-config (json-c and libsodium in Requires.private)
#   bin/mxm, mxm-ref-adapter, mxm-conform
#   share/mxm/conformance/           cases (with VERSION), schema, expected-failures, adapters,
#                                    PROTOCOL.md, FORMAT.md, NOTES.md, IMPLEMENTATIONS.md
#   share/doc/mxm/                   README.md, CHANGELOG.md, LICENSE, RULES.md
# The installed mxm finds share/mxm/conformance/cases next to its own bin/ (conform_main.c).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/ref/include/mxm DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h")

set(MXM_INSTALL_LIBS mxm)
if(TARGET mxm_shared)
  list(APPEND MXM_INSTALL_LIBS mxm_shared)
endif()
install(TARGETS ${MXM_INSTALL_LIBS} EXPORT mxmTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT mxmTargets NAMESPACE mxm:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/mxm)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/mxmConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/mxmConfig.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/mxm)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/mxmConfigVersion.cmake
                                 COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/mxmConfig.cmake ${PROJECT_BINARY_DIR}/mxmConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/mxm)

# relocatable: the prefix is found from where mxm.pc lies (pkg-config's ${pcfiledir})
file(RELATIVE_PATH MXM_PC_TO_PREFIX "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
# "../../" ends in a slash, and libdir adds one: no "//" in the paths
string(REGEX REPLACE "/+$" "" MXM_PC_TO_PREFIX "${MXM_PC_TO_PREFIX}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/mxm.pc.in ${PROJECT_BINARY_DIR}/mxm.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/mxm.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

install(TARGETS mxm_cli mxm_ref_adapter mxm_conform_tool RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

set(MXM_SHARE ${CMAKE_INSTALL_DATADIR}/mxm/conformance)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/conformance/cases ${PROJECT_SOURCE_DIR}/conformance/schema
                  ${PROJECT_SOURCE_DIR}/conformance/expected-failures
        DESTINATION ${MXM_SHARE})
# the adapters a user runs or copies (the C ones are installed as programs above)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/conformance/adapters DESTINATION ${MXM_SHARE}
        PATTERN "*.c" EXCLUDE PATTERN "__pycache__" EXCLUDE PATTERN "node_modules" EXCLUDE)
install(FILES ${PROJECT_SOURCE_DIR}/conformance/PROTOCOL.md ${PROJECT_SOURCE_DIR}/conformance/FORMAT.md
              ${PROJECT_SOURCE_DIR}/conformance/NOTES.md ${PROJECT_SOURCE_DIR}/conformance/IMPLEMENTATIONS.md
        DESTINATION ${MXM_SHARE})
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/CHANGELOG.md ${PROJECT_SOURCE_DIR}/LICENSE
              ${PROJECT_SOURCE_DIR}/ref/RULES.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

if(MXM_BUILD_TESTS AND TARGET mxm_shared)
  # Install into a temporary prefix; build and run a consumer with CMake and with pkg-config;
  # run the installed mxm conform from another directory.
  add_test(NAME install.consumer
           COMMAND bash ${PROJECT_SOURCE_DIR}/ref/tests/install_test.sh ${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR}
                   ${CMAKE_C_COMPILER} "${CMAKE_C_FLAGS}")
  set_tests_properties(install.consumer PROPERTIES TIMEOUT 600)
endif()
